// Public API of the spec language: load a YAML spec (with `extends`, --set overrides and matrix),
// validate it against schema/experiment.schema.json, fill every default, and keep every node's
// source position so that anything later can report FILE:LINE:COL.
import { dirname, resolve } from 'node:path';
import { fail, ok, type Problem, type Result, type SourceLocation } from '../errors.ts';
import { loadChain } from './extends.ts';
import { combinations, matrixAxes } from './matrix.ts';
import { applyOverrides, parseOverrides, type Override } from './overrides.ts';
import { formatPath, isUnder } from './paths.ts';
import { resolveSpec } from './resolve.ts';
import { experimentSchema } from './schema.ts';
import { nearest, type LocationMap } from './source.ts';
import type { ResolvedSpec } from './types.ts';
import { validateSpec, type Locate } from './validate.ts';

export type * from './types.ts';
export { expandLayers } from './resolve.ts';
export { flattenSpec, parsePath, formatPath } from './paths.ts';
export { experimentSchema } from './schema.ts';
export { deepMerge } from './extends.ts';

export interface LoadedSpec {
  /** The spec file as given. */
  file: string;
  /** Its directory (absolute): relative paths in the spec (data.path) are relative to it. */
  dir: string;
  /** The spec file's text as written. */
  text: string;
  resolved: ResolvedSpec;
  /** One resolved spec per matrix combination; [resolved] when there is no matrix. */
  variants: ResolvedSpec[];
  /** Where a dotted key path is written (FILE:LINE:COL, or `--set` for a command-line override); a missing key gives its parent's. */
  locate(path: string): SourceLocation | undefined;
}

export interface LoadOptions {
  /** `key.path=value` strings from --set, applied in order. */
  overrides?: string[];
}

export async function loadSpec(file: string, opts: LoadOptions = {}): Promise<Result<LoadedSpec>> {
  const chain = await loadChain(file);
  if (!chain.ok) return fail(chain.problems);
  const { data, locations } = chain.value;

  const { overrides, problems: overrideProblems } = parseOverrides(opts.overrides ?? [], data);
  applyOverrides(data, overrides);
  const locate = makeLocator(locations, overrides);

  const { axes, problems: matrixProblems } = matrixAxes(data, (key) => locate(formatPath(['matrix', key]), 'key'));

  const raw = structuredClone(data);
  const filled = structuredClone(data);
  const problems: Problem[] = [...overrideProblems, ...matrixProblems, ...validateSpec(filled, locate)];
  if (problems.length > 0) return fail(sortProblems(problems));
  const resolved = resolveSpec(filled);

  const variants: ResolvedSpec[] = [];
  if (axes.length === 0) variants.push(resolved);
  else {
    for (const combo of combinations(raw, axes)) {
      // a problem at a varied path is shown at the matrix value that produced it
      const variantLocate: Locate = (path, at) => {
        for (const { axis, index } of combo.picks) {
          if (isUnder(path, formatPath(axis.segments))) return locate(formatPath(['matrix', axis.key, index]), 'value');
        }
        return locate(path, at);
      };
      const vp = validateSpec(combo.data, variantLocate);
      for (const p of vp) problems.push({ ...p, message: `${p.message} (in matrix combination ${combo.name})` });
      if (vp.length === 0) variants.push(resolveSpec(combo.data));
    }
    if (problems.length > 0) return fail(sortProblems(dedupe(problems)));
  }

  return ok({
    file,
    dir: dirname(resolve(file)),
    text: chain.text,
    resolved,
    variants,
    locate: (path: string) => locate(path, 'value'),
  });
}

function makeLocator(locations: LocationMap, overrides: readonly Override[]): Locate {
  return (path, at) => {
    // the last --set covering the path wins, as it does for the value
    for (let i = overrides.length - 1; i >= 0; i--) if (isUnder(path, overrides[i]!.path)) return overrides[i]!.location;
    const exact = locations.get(path);
    if (exact) return at === 'key' || exact.mapping ? (exact.key ?? exact.value) : exact.value;
    const parent = nearest(locations, path);
    return parent ? (parent.key ?? parent.value) : undefined;
  };
}

function sortProblems(problems: Problem[]): Problem[] {
  const rank = (p: Problem): [string, number, number] => [p.location?.file ?? '', p.location?.line ?? 0, p.location?.col ?? 0];
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const [fa, la, ca] = rank(a.p);
      const [fb, lb, cb] = rank(b.p);
      return fa.localeCompare(fb) || la - lb || ca - cb || a.i - b.i;
    })
    .map(({ p }) => p);
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = JSON.stringify([p.location, p.path, p.message.replace(/ \(in matrix combination [^)]*\)$/, '')]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Every default of the schema, as a resolved spec for `name: example` with one trivial model would carry them. */
export function schemaDefaults(): ResolvedSpec {
  const data: Record<string, unknown> = { name: 'example', models: { model: { layers: [{ type: 'dense', units: 1, activation: 'sigmoid' }] } } };
  const problems = validateSpec(data, () => undefined);
  if (problems.length > 0) throw new Error('schema defaults do not validate: ' + problems.map((p) => p.message).join('; '));
  return resolveSpec(data);
}

export { experimentSchema as schema };
