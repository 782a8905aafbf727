// `extends: base.yaml`: a spec is deep-merged onto its base (mappings merge key by key; lists and
// scalars replace), the path being relative to the extending file. Chains are followed; cycles and
// missing files are errors at the `extends` value.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Problem } from '../errors.ts';
import { isPlainObject } from './paths.ts';
import { overlayLocations, parseYamlSource, type LocationMap } from './source.ts';

export interface MergedSource {
  data: Record<string, unknown>;
  locations: LocationMap;
  /** Every file read, the spec itself first. */
  files: string[];
}

export type ChainResult = { ok: true; value: MergedSource; text: string } | { ok: false; problems: Problem[] };

export async function loadChain(file: string, displayName: string = file): Promise<ChainResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { ok: false, problems: [{ message: `cannot read spec file ${displayName}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}` }] };
  }
  const r = await loadText(text, resolve(file), displayName, []);
  return r.ok ? { ok: true, value: r.value, text } : r;
}

async function loadText(text: string, abs: string, display: string, stack: string[]): Promise<{ ok: true; value: MergedSource } | { ok: false; problems: Problem[] }> {
  const parsed = parseYamlSource(text, display);
  if (parsed.problems.length > 0) return { ok: false, problems: parsed.problems };
  const data = parsed.data as Record<string, unknown>;
  const ext = data.extends;
  if (typeof ext !== 'string' || ext === '') return { ok: true, value: { data, locations: parsed.locations, files: [display] } };

  const where = parsed.locations.get('extends')?.value;
  const baseAbs = resolve(dirname(abs), ext);
  const baseDisplay = relativeDisplay(display, ext);
  const chain = [...stack, abs];
  if (chain.includes(baseAbs)) {
    return { ok: false, problems: [{ path: 'extends', location: where, message: `extends cycle: ${[...chain, baseAbs].map((f) => shortName(f)).join(' -> ')}`, hint: 'remove one of the `extends` keys' }] };
  }
  let baseText: string;
  try {
    baseText = await readFile(baseAbs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, problems: [{ path: 'extends', location: where, message: `cannot read base spec ${baseDisplay}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, hint: 'the path is relative to this file' }] };
  }
  const base = await loadText(baseText, baseAbs, baseDisplay, chain);
  if (!base.ok) return base;
  rebaseDataPath(base.value.data, dirname(baseAbs), dirname(abs));
  const own = { ...data };
  delete own.extends;
  const ownLocations = new Map(parsed.locations);
  ownLocations.delete('extends');
  return {
    ok: true,
    value: {
      data: deepMerge(base.value.data, own) as Record<string, unknown>,
      locations: overlayLocations(base.value.locations, ownLocations),
      files: [display, ...base.value.files],
    },
  };
}

/**
 * `data.path` is relative to the file that writes it; once a base is merged into a spec in another
 * directory, the path is rewritten relative to the extending file, so that the loaded spec's rule stays
 * "relative to the spec file".
 */
function rebaseDataPath(data: Record<string, unknown>, fromDir: string, toDir: string): void {
  const d = data.data;
  if (!isPlainObject(d) || typeof d.path !== 'string' || isAbsolute(d.path) || fromDir === toDir) return;
  d.path = relative(toDir, resolve(fromDir, d.path)) || '.';
}

/** Mappings merge key by key; anything else in `top` (lists, scalars, null) replaces. */
export function deepMerge(base: unknown, top: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(top)) return structuredClone(top);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(top)) out[k] = k in out ? deepMerge(out[k], v) : structuredClone(v);
  return out;
}

/** The base file named as the user would: relative to the extending file's own display name. */
function relativeDisplay(display: string, ext: string): string {
  if (ext.startsWith('/')) return ext;
  return join(dirname(display), ext);
}

function shortName(abs: string): string {
  const cwd = process.cwd();
  return abs.startsWith(cwd + '/') ? abs.slice(cwd.length + 1) : abs;
}
