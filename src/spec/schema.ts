// The experiment schema (schema/experiment.schema.json), the single source of truth for the spec:
// validation, defaults (including the per-optimizer table under $defs/optimizer), the --set and
// matrix path checks and the generated TypeScript types all read it from here.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { isPlainObject, type PathSegment } from './paths.ts';

// ajv is CommonJS: under Node's ESM loader the default import is module.exports, whose `default` is the class.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Module.default;

export type JsonSchema = Record<string, any> | boolean;

/** Finds schema/experiment.schema.json walking up from this file (works from src/ and from dist/src/). */
export function schemaPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'schema', 'experiment.schema.json');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('schema/experiment.schema.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

let cachedSchema: Record<string, any> | undefined;
export function experimentSchema(): Record<string, any> {
  cachedSchema ??= JSON.parse(readFileSync(schemaPath(), 'utf8')) as Record<string, any>;
  return cachedSchema;
}

let cachedValidator: ValidateFunction | undefined;
/** ajv validator that also fills defaults into the data it checks (it mutates its argument). */
export function validator(): ValidateFunction {
  if (!cachedValidator) {
    const ajv = new Ajv2020({ allErrors: true, discriminator: true, useDefaults: true, allowUnionTypes: true, strict: true, strictRequired: false, verbose: true });
    cachedValidator = ajv.compile(experimentSchema());
  }
  return cachedValidator!;
}

/** Resolves a local `$ref` (`#/$defs/x`, `#/$defs/x/properties/y`) against the experiment schema. */
export function deref(schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; i < 20 && typeof s === 'object' && typeof s.$ref === 'string'; i++) {
    s = resolvePointer(s.$ref);
  }
  return s;
}

export function resolvePointer(ref: string): JsonSchema {
  if (!ref.startsWith('#')) throw new Error(`unsupported $ref ${ref}`);
  let node: any = experimentSchema();
  for (const raw of ref.slice(1).split('/').filter((p) => p !== '')) {
    node = node?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (node === undefined) throw new Error(`dangling $ref ${ref}`);
  return node as JsonSchema;
}

/** The schema alternatives a node may take (following $ref, oneOf, anyOf, if/then/else). */
export function alternatives(schema: JsonSchema): Record<string, any>[] {
  const s = deref(schema);
  if (typeof s === 'boolean') return [];
  const out: Record<string, any>[] = [s];
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(s[key])) for (const sub of s[key]) out.push(...alternatives(sub));
  }
  if (s.then !== undefined) out.push(...alternatives(s.then));
  if (s.else !== undefined) out.push(...alternatives(s.else));
  return out;
}

export type SchemaWalk =
  | { ok: true; schemas: Record<string, any>[] }
  | { ok: false; at: number; candidates: string[]; reason: 'unknown-key' | 'unknown-entry' | 'not-a-list' | 'index' | 'not-a-mapping' };

/**
 * Walks the schema along `segments`, using `data` (the spec as loaded) where the schema alone cannot say:
 * a new entry of a map whose entries have required keys (a model) cannot be created from a path, and a
 * list index must already exist.
 */
export function walkSchema(segments: readonly PathSegment[], data: unknown): SchemaWalk {
  let schemas = alternatives(experimentSchema());
  let node: unknown = data;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const next: Record<string, any>[] = [];
    if (typeof seg === 'number') {
      for (const s of schemas) if (s.items !== undefined) next.push(...alternatives(s.items));
      if (next.length === 0) return { ok: false, at: i, candidates: [], reason: 'not-a-list' };
      const len = Array.isArray(node) ? node.length : 0;
      if (seg >= len) return { ok: false, at: i, candidates: [], reason: 'index' };
      node = (node as unknown[])[seg];
    } else {
      const names = new Set<string>();
      let mapEntry: Record<string, any>[] = [];
      let requiresExisting = false;
      let isMapping = false;
      for (const s of schemas) {
        if (s.properties) {
          isMapping = true;
          for (const k of Object.keys(s.properties)) names.add(k);
          if (s.properties[seg] !== undefined && s.properties[seg] !== false) next.push(...alternatives(s.properties[seg]));
        }
        if (typeof s.additionalProperties === 'object') {
          isMapping = true;
          const subs = alternatives(s.additionalProperties);
          mapEntry = mapEntry.concat(subs);
          if (subs.some((x) => Array.isArray(x.required) && x.required.length > 0)) requiresExisting = true;
        }
      }
      if (next.length === 0 && mapEntry.length > 0) {
        const existing = isPlainObject(node) ? Object.keys(node) : [];
        if (requiresExisting && !existing.includes(seg)) return { ok: false, at: i, candidates: existing, reason: 'unknown-entry' };
        next.push(...mapEntry);
      }
      if (next.length === 0) {
        if (!isMapping) return { ok: false, at: i, candidates: [], reason: 'not-a-mapping' };
        return { ok: false, at: i, candidates: [...names], reason: 'unknown-key' };
      }
      node = isPlainObject(node) ? node[seg] : undefined;
    }
    schemas = next;
  }
  return { ok: true, schemas };
}

/** Keys of the shared `training` block, which every resolved model carries. */
export function trainingKeys(): string[] {
  return Object.keys((experimentSchema().$defs.training as { properties: object }).properties);
}

let keyIndex: Map<string, string[]> | undefined;
/**
 * Where each key name lives in the schema, as dotted paths (`models.<name>` for map entries), for
 * suggestions like "learning_rate goes in training.optimizer". Shallow paths first.
 */
export function keyLocations(key: string): string[] {
  if (!keyIndex) {
    const index = new Map<string, string[]>();
    const seen = new Set<object>();
    const queue: Array<{ schema: JsonSchema; path: string; depth: number }> = [{ schema: experimentSchema(), path: '', depth: 0 }];
    while (queue.length > 0) {
      const { schema, path, depth } = queue.shift()!;
      for (const s of alternatives(schema)) {
        if (seen.has(s) || depth > 6) continue;
        seen.add(s);
        for (const [k, sub] of Object.entries((s.properties ?? {}) as Record<string, JsonSchema>)) {
          if (sub === false) continue;
          const p = path ? `${path}.${k}` : k;
          const list = index.get(k) ?? [];
          if (!list.includes(p)) list.push(p);
          index.set(k, list);
          queue.push({ schema: sub, path: p, depth: depth + 1 });
        }
        if (typeof s.additionalProperties === 'object') queue.push({ schema: s.additionalProperties, path: `${path}.<name>`, depth: depth + 1 });
        if (s.items !== undefined) queue.push({ schema: s.items, path: `${path}[i]`, depth: depth + 1 });
      }
    }
    keyIndex = index;
  }
  return keyIndex.get(key) ?? [];
}
