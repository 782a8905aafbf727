// `exp run FILE`: load and validate the spec (nothing is written when it is invalid), then either
// print the resolved spec (--dry-run) or hand it to the pipeline.
import type { Command } from 'commander';
import { io } from '../io.ts';
import { Option } from 'commander';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { ExpError, unwrap, type Problem } from '../../errors.ts';
import { loadSpec, type LoadedSpec, type ResolvedSpec } from '../../spec/index.ts';
import { modelInputs } from '../../spec/features.ts';
import { collect } from './validate.ts';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

interface RunFlags {
  set: string[];
  backend?: BackendChoice;
  runsDir?: string;
  dryRun?: boolean;
}

/** --runs-dir, else EXP_RUNS_DIR, else ./runs. */
export function runsDirFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? (env.EXP_RUNS_DIR || 'runs'));
}

export function register(program: Command): void {
  program
    .command('run')
    .description('train the models of an experiment spec and record the run')
    .argument('<file>', 'spec file (YAML)')
    .option('--set <key=value>', 'override a spec key, typed by the schema (repeatable)', collect, [])
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (overrides the spec)').choices(['auto', 'tensorflow', 'wasm', 'cpu']))
    .option('--runs-dir <dir>', 'where run directories go (default: $EXP_RUNS_DIR, else ./runs)')
    .option('--dry-run', 'print the resolved spec (every default filled) and the model summaries, then stop')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ exp run experiments/deep.yaml',
        '  $ exp run experiments/deep.yaml --set data.events=100000 --set models.deep.epochs=2',
        '  $ exp run experiments/seed.yaml --backend wasm --runs-dir /tmp/runs',
        '  $ exp run experiments/deep.yaml --dry-run',
        '',
      ].join('\n'),
    )
    .action(async (file: string, flags: RunFlags) => {
      const loaded = unwrap(await loadSpec(file, { overrides: flags.set }), 'spec');
      const inputs = staticChecks(loaded);
      if (flags.dryRun) {
        io.out(await dryRunText(loaded, inputs, flags.backend));
        return;
      }
      const { runExperiment } = await import('../../pipeline/run-experiment.ts');
      const outcomes = await runExperiment(loaded, { runsDir: runsDirFrom(flags.runsDir), backend: flags.backend, argv: process.argv.slice(2) });
      const failed = outcomes.find((o) => o.status !== 'finished');
      if (failed) throw new ExpError(failed.status === 'interrupted' ? 'interrupted' : 'run', `run ${failed.status}: ${failed.runDir}`);
    });
}

/** Feature names against the catalogue, for every matrix variant: a spec error before anything runs. */
function staticChecks(loaded: LoadedSpec): Map<ResolvedSpec, Record<string, string[]> | undefined> {
  const out = new Map<ResolvedSpec, Record<string, string[]> | undefined>();
  const problems: Problem[] = [];
  for (const v of loaded.variants) {
    const r = modelInputs(v);
    for (const p of r.problems) problems.push({ ...p, location: p.location ?? (p.path ? loaded.locate(p.path) : undefined) });
    out.set(v, r.inputs);
  }
  if (problems.length > 0) throw new ExpError('spec', problems);
  return out;
}

/**
 * The resolved spec as YAML (one document per matrix combination), each model's summary after it
 * as YAML comments, so the whole output still parses as YAML.
 */
async function dryRunText(loaded: LoadedSpec, inputs: Map<ResolvedSpec, Record<string, string[]> | undefined>, backend?: BackendChoice): Promise<string> {
  const docs: string[] = [];
  for (const variant of loaded.variants) {
    const shown = backend ? { ...variant, backend } : variant;
    let text = stringify(shown, { lineWidth: 0 });
    text += await summaries(variant, inputs.get(variant));
    docs.push(text);
  }
  return docs.join('---\n');
}

async function summaries(spec: ResolvedSpec, inputs: Record<string, string[]> | undefined): Promise<string> {
  if (!inputs) return '# model summaries: the input size comes from the data file (catalogue none); run without --dry-run\n';
  const { compileModel, summarize } = await import('../../model/index.ts');
  const tf = await import('@tensorflow/tfjs');
  // a summary needs no speed: the plain cpu backend, without its "install tfjs-node" banner (PROD
  // silences tfjs warnings; this process only builds the models to count their weights and exits)
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  let out = '';
  for (const [name, model] of Object.entries(spec.models)) {
    const m = compileModel(model.layers, inputs[name]!.length, { seed: spec.seed, name });
    try {
      const text = summarize(m).text;
      out += `#\n# ${name}: ${inputs[name]!.length} input features\n` + text.trimEnd().split('\n').map((l) => `# ${l}`.trimEnd()).join('\n') + '\n';
    } finally {
      m.dispose();
    }
  }
  return out;
}
