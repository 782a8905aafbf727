// Dotted key paths (`models.deep.layers[2].units`): the one way every part of exp names a spot in a spec.
// Hand-rolled because the grammar is tiny and has to match formatPath exactly.

export type PathSegment = string | number;

/** Parses `a.b[2].c` into ['a', 'b', 2, 'c']; undefined when malformed. */
export function parsePath(path: string): PathSegment[] | undefined {
  if (path === '') return [];
  const out: PathSegment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|(\.)/gy;
  let expectKey = true;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(path)) !== null) {
    last = re.lastIndex;
    if (m[1] !== undefined) {
      if (!expectKey) return undefined;
      out.push(m[1]);
      expectKey = false;
    } else if (m[2] !== undefined) {
      if (expectKey) return undefined;
      out.push(Number(m[2]));
    } else {
      if (expectKey) return undefined;
      expectKey = true;
    }
  }
  if (last !== path.length || expectKey) return undefined;
  return out;
}

export function formatPath(segments: readonly PathSegment[]): string {
  let s = '';
  for (const seg of segments) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else s += s === '' ? seg : `.${seg}`;
  }
  return s;
}

/** Converts an ajv instancePath (`/models/deep/layers/2`) to segments, numbers where the data holds an array. */
export function pointerToSegments(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      out.push(Number(key));
      node = node[Number(key)];
    } else {
      out.push(key);
      node = isPlainObject(node) ? node[key] : undefined;
    }
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function getAt(data: unknown, segments: readonly PathSegment[]): unknown {
  let node = data;
  for (const seg of segments) {
    if (typeof seg === 'number') node = Array.isArray(node) ? node[seg] : undefined;
    else node = isPlainObject(node) ? node[seg] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * Sets a value, creating missing mappings on the way (never arrays); `fill(segmentsSoFar)` may supply
 * what a missing mapping starts as (default {}).
 */
export function setAt(data: Record<string, unknown>, segments: readonly PathSegment[], value: unknown, fill?: (segs: PathSegment[]) => unknown): void {
  let node: unknown = data;
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i]!;
    const container = node as Record<string | number, unknown>;
    let next = container[seg];
    if (typeof next !== 'object' || next === null) {
      const start = fill?.(segments.slice(0, i + 1) as PathSegment[]);
      next = isPlainObject(start) ? structuredClone(start) : {};
      container[seg] = next;
    }
    node = next;
  }
  (node as Record<string | number, unknown>)[segments[segments.length - 1]!] = value;
}

/** True when `path` is `prefix` itself or lies below it. */
export function isUnder(path: string, prefix: string): boolean {
  if (prefix === '') return true;
  return path === prefix || path.startsWith(prefix + '.') || path.startsWith(prefix + '[');
}

/** Flattens a spec into dotted keys (`layers[0].units`); empty mappings and lists are kept as values. */
export function flattenSpec(obj: unknown, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (node: unknown, segs: PathSegment[]): void => {
    if (Array.isArray(node) && node.length > 0) node.forEach((v, i) => walk(v, [...segs, i]));
    else if (isPlainObject(node) && Object.keys(node).length > 0) for (const [k, v] of Object.entries(node)) walk(v, [...segs, k]);
    else out[formatPath(segs)] = node;
  };
  walk(obj, prefix === '' ? [] : (parsePath(prefix) ?? [prefix]));
  return out;
}
