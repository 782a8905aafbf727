// `matrix`: a grid over dotted spec paths. Each combination of values becomes its own spec, named
// `<name>-<value>-<value>...`, validated on its own.
import type { Problem, SourceLocation } from '../errors.ts';
import { formatPath, parsePath, setAt, type PathSegment } from './paths.ts';
import { pathProblem, startingValue } from './overrides.ts';

export interface MatrixAxis {
  key: string;
  segments: PathSegment[];
  values: unknown[];
}

export interface Combination {
  name: string;
  /** matrix key -> index of the value used */
  picks: { axis: MatrixAxis; index: number }[];
  data: Record<string, unknown>;
}

/** Checks matrix keys against the schema; `locateKey` gives where `matrix.<key>` is written. */
export function matrixAxes(data: Record<string, unknown>, locateKey: (key: string) => SourceLocation | undefined): { axes: MatrixAxis[]; problems: Problem[] } {
  const matrix = data.matrix;
  const axes: MatrixAxis[] = [];
  const problems: Problem[] = [];
  if (typeof matrix !== 'object' || matrix === null || Array.isArray(matrix)) return { axes, problems };
  for (const [key, values] of Object.entries(matrix as Record<string, unknown>)) {
    const where = locateKey(key);
    const segments = parsePath(key);
    if (!segments || segments.length === 0) {
      problems.push({ path: `matrix.${key}`, location: where, message: `"${key}" is not a dotted spec path such as data.features` });
      continue;
    }
    if (segments[0] === 'matrix' || segments[0] === 'extends' || segments[0] === 'name') {
      problems.push({ path: `matrix.${key}`, location: where, message: `${String(segments[0])} cannot be varied by the matrix` });
      continue;
    }
    const bad = pathProblem(segments, data);
    if (bad) {
      problems.push({ path: `matrix.${key}`, location: where, message: `${bad.path}: ${bad.message}` });
      continue;
    }
    if (Array.isArray(values)) axes.push({ key, segments, values });
  }
  return { axes, problems };
}

export function combinations(data: Record<string, unknown>, axes: readonly MatrixAxis[]): Combination[] {
  let picks: { axis: MatrixAxis; index: number }[][] = [[]];
  for (const axis of axes) picks = picks.flatMap((p) => axis.values.map((_v, index) => [...p, { axis, index }]));
  return picks.map((p) => {
    const d = structuredClone(data);
    d.matrix = {};
    for (const { axis, index } of p) setAt(d, axis.segments, structuredClone(axis.values[index]), (segs) => startingValue(d, segs));
    const suffix = p.map(({ axis, index }) => slug(axis.values[index])).join('-');
    d.name = `${String(data.name)}-${suffix}`.slice(0, 64);
    return { name: String(d.name), picks: p, data: d };
  });
}

function slug(v: unknown): string {
  const s = Array.isArray(v) ? v.map(slug).join('_') : typeof v === 'object' && v !== null ? Object.values(v).map(slug).join('_') : String(v);
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}

export { formatPath };
