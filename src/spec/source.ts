// YAML text -> plain data plus the source position of every node, keyed by dotted path, so that
// any problem found later (validation, --set, matrix) can point at FILE:LINE:COL.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Problem, SourceLocation } from '../errors.ts';
import { formatPath, isUnder, type PathSegment } from './paths.ts';

export interface NodeLocation {
  /** Where the key is written (`units:`), absent for list items and the root. */
  key?: SourceLocation;
  /** Where the value starts. */
  value: SourceLocation;
  /** The value is a mapping (errors about the whole mapping point at its key). */
  mapping: boolean;
}

export type LocationMap = Map<string, NodeLocation>;

export interface ParsedSource {
  data: unknown;
  locations: LocationMap;
  problems: Problem[];
}

export function parseYamlSource(text: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const problems: Problem[] = [];
  // one error per position: the parser's follow-on complaints about the same spot are noise
  const positions = new Set<number>();
  for (const e of doc.errors) {
    if (positions.has(e.pos[0])) continue;
    positions.add(e.pos[0]);
    const message = e.code === 'MULTIPLE_DOCS' ? 'a spec is a single YAML document; remove the `---` line and what follows, or put it in its own file' : yamlMessage(e.message);
    problems.push({ message: `YAML syntax error: ${message}`, location: at(e.pos[0]) });
  }
  const locations: LocationMap = new Map();
  locations.set('', { value: { file, line: 1, col: 1 }, mapping: true });
  if (problems.length > 0) return { data: undefined, locations, problems };

  const walk = (node: Node | null, segs: PathSegment[], key?: SourceLocation): void => {
    const path = formatPath(segs);
    const start = node?.range ? at(node.range[0]) : key;
    if (segs.length > 0 && start) locations.set(path, { key, value: start, mapping: isMap(node) });
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyNode = pair.key as Node | null;
        const keyLoc = keyNode?.range ? at(keyNode.range[0]) : start;
        walk(pair.value as Node | null, [...segs, k], keyLoc);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node | null, [...segs, i]));
    }
  };
  walk(doc.contents as Node | null, []);
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (data === null || data === undefined) {
    problems.push({ message: 'the spec is empty; it must be a YAML mapping with at least `name` and `models`', location: { file, line: 1, col: 1 } });
  } else if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push({ message: 'the spec must be a YAML mapping (key: value lines), not a ' + (Array.isArray(data) ? 'list' : typeof data), location: at(doc.contents?.range?.[0] ?? 0) });
  }
  return { data, locations, problems };
}

/** The yaml package's messages carry a trailing `at line X, column Y` we already print in front. */
function yamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

/**
 * Overlays `top` onto `base` the way deep merge overlays data: a mapping in `top` keeps the base's
 * entries it does not mention; any other value replaces the base's node and everything below it.
 */
export function overlayLocations(base: LocationMap, top: LocationMap): LocationMap {
  const out: LocationMap = new Map(base);
  const paths = [...top.keys()].filter((p) => p !== '').sort((a, b) => a.length - b.length);
  for (const p of paths) {
    const loc = top.get(p)!;
    if (!loc.mapping) for (const q of [...out.keys()]) if (q !== p && isUnder(q, p)) out.delete(q);
    out.set(p, loc);
  }
  return out;
}

/** Nearest recorded location for `path`, walking up to its parents (a missing key points at its parent). */
export function nearest(locations: LocationMap, path: string): NodeLocation | undefined {
  let p = path;
  for (;;) {
    const loc = locations.get(p);
    if (loc) return loc;
    if (p === '') return undefined;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut <= 0 ? '' : p.slice(0, cut);
  }
}
