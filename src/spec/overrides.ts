// `--set models.deep.epochs=2`: the path must exist in the schema (else a did-you-mean), the value is
// read as YAML (so 2 is a number, true a boolean, [a, b] a list) and then checked by the full schema
// validation like any value written in the file. Problems point at `--set` instead of a file line.
import { parse as parseYaml } from 'yaml';
import type { Problem, SourceLocation } from '../errors.ts';
import { formatPath, parsePath, setAt, type PathSegment } from './paths.ts';
import { trainingKeys, walkSchema } from './schema.ts';
import { didYouMean } from './suggest.ts';

export interface Override {
  /** The argument as typed. */
  raw: string;
  segments: PathSegment[];
  path: string;
  value: unknown;
  /** Location used for problems about this override's value: file `--set`, line = ordinal of the --set, col = where the value starts. */
  location: SourceLocation;
}

export function parseOverrides(args: readonly string[], data: unknown): { overrides: Override[]; problems: Problem[] } {
  const overrides: Override[] = [];
  const problems: Problem[] = [];
  args.forEach((raw, i) => {
    const eq = raw.indexOf('=');
    const keyLoc: SourceLocation = { file: '--set', line: i + 1, col: 1 };
    if (eq <= 0) {
      problems.push({ location: keyLoc, message: `"${raw}" is not of the form key.path=value`, hint: 'for example --set models.deep.epochs=2' });
      return;
    }
    const key = raw.slice(0, eq).trim();
    const segments = parsePath(key);
    if (!segments || segments.length === 0) {
      problems.push({ location: keyLoc, message: `"${key}" is not a dotted key path`, hint: 'for example models.deep.layers[0].units' });
      return;
    }
    const path = formatPath(segments);
    const check = pathProblem(segments, data);
    if (check) {
      problems.push({ ...check, location: keyLoc });
      return;
    }
    let value: unknown;
    try {
      value = parseYaml(raw.slice(eq + 1));
    } catch (e) {
      problems.push({ path, location: { file: '--set', line: i + 1, col: eq + 2 }, message: `cannot read the value: ${(e as Error).message.split('\n')[0]}` });
      return;
    }
    if (value === undefined) value = null;
    overrides.push({ raw, segments, path, value, location: { file: '--set', line: i + 1, col: eq + 2 } });
  });
  return { overrides, problems };
}

/** Checks that a dotted path names a key of the schema; the problem carries a did-you-mean. Used by --set and matrix. */
export function pathProblem(segments: readonly PathSegment[], data: unknown): Omit<Problem, 'location'> | undefined {
  const w = walkSchema(segments, data);
  if (w.ok) return undefined;
  const upTo = formatPath(segments.slice(0, w.at + 1));
  const parent = formatPath(segments.slice(0, w.at)) || 'the top level';
  const seg = segments[w.at]!;
  switch (w.reason) {
    case 'unknown-key': {
      const guess = didYouMean(String(seg), w.candidates);
      return { path: upTo, message: `no key "${seg}" in ${parent} in the schema` + (guess ? `; did you mean "${guess}"?` : `; keys there: ${w.candidates.join(', ')}`) };
    }
    case 'unknown-entry': {
      const guess = didYouMean(String(seg), w.candidates);
      return { path: upTo, message: `no entry "${seg}" in ${parent}` + (guess ? `; did you mean "${guess}"?` : w.candidates.length ? `; entries: ${w.candidates.join(', ')}` : '') };
    }
    case 'index':
      return { path: upTo, message: `${parent} has no item [${seg}]` };
    case 'not-a-list':
      return { path: upTo, message: `${parent} is not a list` };
    case 'not-a-mapping':
      return { path: upTo, message: `${parent} takes a single value; it has no key "${seg}"` };
  }
}

export function applyOverrides(data: Record<string, unknown>, overrides: readonly Override[]): void {
  for (const o of overrides) setAt(data, o.segments, structuredClone(o.value), (segs) => startingValue(data, segs));
}

/**
 * What a mapping that a path runs through but the spec does not write starts as, so that
 * `--set models.deep.optimizer.learning_rate=0.01` changes the rate of the optimizer the model would
 * have used: a model's training key starts as `training`'s, any other key as its schema default.
 */
export function startingValue(data: Record<string, unknown>, segs: readonly PathSegment[]): unknown {
  if (segs.length === 3 && segs[0] === 'models' && trainingKeys().includes(String(segs[2]))) {
    const training = data.training as Record<string, unknown> | undefined;
    const own = training?.[String(segs[2])];
    if (own !== undefined) return own;
    return startingValue(data, ['training', segs[2]!]);
  }
  const w = walkSchema(segs.slice(0, -1), data);
  if (!w.ok) return undefined;
  for (const s of w.schemas) {
    const p = s.properties?.[String(segs[segs.length - 1])];
    if (p && typeof p === 'object' && 'default' in p) return p.default;
  }
  return undefined;
}
