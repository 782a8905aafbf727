// `exp validate FILE...`: every file, every problem, exit 2 when any spec is invalid.
import type { Command } from 'commander';
import { io } from '../io.ts';
import { ExpError, type Problem } from '../../errors.ts';
import { loadSpec } from '../../spec/index.ts';
import { modelInputs } from '../../spec/features.ts';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check experiment specs against the schema and report every problem with FILE:LINE:COL')
    .argument('<files...>', 'spec files (YAML)')
    .option('--set <key=value>', 'override a key before validating (repeatable)', collect, [])
    .addHelpText('after', '\nExamples:\n  $ exp validate experiments/*.yaml\n  $ exp validate experiments/deep.yaml --set models.deep.epochs=2\n')
    .action(async (files: string[], opts: { set: string[] }) => {
      const problems: Problem[] = [];
      for (const file of files) {
        const found = await checkSpec(file, opts.set);
        if (found.length === 0) io.out(`${file}: ok\n`);
        problems.push(...found);
      }
      if (problems.length > 0) throw new ExpError('spec', problems);
    });
}

/** Schema problems, then (for a valid spec) feature names unknown to its catalogue. */
export async function checkSpec(file: string, overrides: string[]): Promise<Problem[]> {
  const r = await loadSpec(file, { overrides });
  if (!r.ok) return r.problems.map((p) => (p.location ? p : { ...p, message: p.message }));
  const problems: Problem[] = [];
  for (const variant of r.value.variants) {
    for (const p of modelInputs(variant).problems) {
      const location = p.path ? r.value.locate(p.path) : undefined;
      problems.push({ ...p, location: p.location ?? location });
    }
  }
  return dedupe(problems);
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = JSON.stringify(p);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
