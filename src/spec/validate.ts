// Schema validation with ajv, and the translation of ajv's errors into plain English problems that
// point at the YAML node they are about. All errors are reported at once.
import type { ErrorObject } from 'ajv';
import type { Problem, SourceLocation } from '../errors.ts';
import { formatPath, getAt, isPlainObject, pointerToSegments, type PathSegment } from './paths.ts';
import { deref, experimentSchema, keyLocations, validator, walkSchema } from './schema.ts';
import { didYouMean, quoteList } from './suggest.ts';

/** Where a problem about `path` is shown: `value` (the node), `key` (where the key is written). */
export type Locate = (path: string, at: 'value' | 'key') => SourceLocation | undefined;

/** Validates `data` in place: on success every default of the schema has been filled in. */
export function validateSpec(data: unknown, locate: Locate): Problem[] {
  const validate = validator();
  if (validate(data)) return [];
  return translateErrors(validate.errors ?? [], data, locate);
}

export function translateErrors(errors: readonly ErrorObject[], data: unknown, locate: Locate): Problem[] {
  const kept = pruneBranches(errors, data);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const p = translate(e, data, locate);
    if (!p) continue;
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(p);
  }
  return problems;
}

/**
 * anyOf reports every branch's complaint; keep only the branch whose type fits the value the user
 * wrote (a list of names: the list branch), or else one "must be X or Y" line.
 */
function pruneBranches(errors: readonly ErrorObject[], data: unknown): ErrorObject[] {
  let out = errors.filter((e) => e.keyword !== 'if');
  for (const a of errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
    const prefix = a.schemaPath.replace(/\/(anyOf|oneOf)$/, `/${a.keyword}/`);
    const branches = (a.schema as unknown[]).map((b) => deref(b as object));
    const value = getAt(data, pointerToSegments(a.instancePath, data));
    const fitting = branches.map((b, i) => (typeMatches(b, value) ? i : -1)).filter((i) => i >= 0);
    if (fitting.length === 1) {
      const keep = prefix + fitting[0] + '/';
      out = out.filter((e) => e !== a && (!e.schemaPath.startsWith(prefix) || e.schemaPath.startsWith(keep)));
    } else {
      out = out.filter((e) => !e.schemaPath.startsWith(prefix));
    }
  }
  // propertyNames reports an inner error (with propertyName) and an outer one: keep the inner.
  out = out.filter((e) => e.keyword !== 'propertyNames');
  // a key the variant does not use at all: its value's range checks are beside the point
  const unused = out.filter((e) => e.keyword === 'false schema').map((e) => e.instancePath);
  out = out.filter((e) => e.keyword === 'false schema' || !unused.some((u) => e.instancePath === u || e.instancePath.startsWith(u + '/')));
  return out;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(schema: unknown, value: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return schema === true;
  const s = schema as Record<string, any>;
  const t = jsonType(value);
  if (s.type !== undefined) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
    return types.includes(t) || (t === 'integer' && types.includes('number'));
  }
  if (Array.isArray(s.enum)) return s.enum.some((x: unknown) => jsonType(x) === t || (t === 'integer' && jsonType(x) === 'number'));
  if ('const' in s) return jsonType(s.const) === t;
  return true;
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a text value',
  boolean: 'true or false',
  object: 'a mapping (key: value lines)',
  array: 'a list',
  null: 'null',
};

export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (an empty value)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  return String(v);
}

function describeSchemaType(s: Record<string, any>): string {
  if (Array.isArray(s.enum)) return `one of ${quoteList(s.enum)}`;
  if ('const' in s) return JSON.stringify(s.const);
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  return types.map((t) => TYPE_NAMES[t] ?? t).join(' or ') || 'something else';
}

const PATTERNS: Record<string, string> = {
  '^[A-Za-z0-9][A-Za-z0-9._-]*$': "must start with a letter or digit and contain only letters, digits, '.', '_' and '-'",
  '^[A-Za-z0-9][A-Za-z0-9_-]*$': "must start with a letter or digit and contain only letters, digits, '_' and '-'",
  '^[0-9a-fA-F]{64}$': 'must be a SHA-256 checksum: 64 hexadecimal digits',
  '^https?://': 'must be an http:// or https:// address',
  '^[A-Za-z_][A-Za-z0-9_.\\[\\]-]*$': 'must be a dotted spec path such as data.features or models.deep.epochs',
};

function translate(e: ErrorObject, data: unknown, locate: Locate): Problem | undefined {
  const segs = pointerToSegments(e.instancePath, data);
  const path = formatPath(segs);
  const value = getAt(data, segs);
  const child = (k: PathSegment): string => formatPath([...segs, k]);
  const params = e.params as Record<string, any>;
  const at = (p: string, where: 'value' | 'key' = 'value'): SourceLocation | undefined => locate(p, where);

  switch (e.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return { path: child(missing), location: at(path, 'key'), message: `missing required key "${missing}"${path ? ` in ${path}` : ''}` };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as Record<string, any> | undefined)?.properties ?? {});
      const guess = didYouMean(key, allowed);
      const elsewhere = guess ? [] : keyLocations(key).slice(0, 2);
      return {
        path: child(key),
        location: at(child(key), 'key'),
        message:
          `unknown key "${key}"` +
          (guess ? `; did you mean "${guess}"?` : elsewhere.length ? ` here; it belongs in ${elsewhere.join(' or ')}` : allowed.length ? `; allowed keys here: ${allowed.join(', ')}` : ''),
      };
    }
    case 'false schema':
      return notUsed(segs, data, at);
    case 'enum': {
      const allowed = params.allowedValues as unknown[];
      const guess = typeof value === 'string' ? didYouMean(value, allowed.filter((x): x is string => typeof x === 'string')) : undefined;
      return { path, location: at(path), message: `${describeValue(value)} is not allowed; use one of: ${quoteList(allowed)}` + (guess ? ` (did you mean "${guess}"?)` : '') };
    }
    case 'const':
      return { path, location: at(path), message: `must be ${JSON.stringify(params.allowedValue)}, not ${describeValue(value)}` };
    case 'type': {
      const types = String(params.type).split(',');
      return { path, location: at(path), message: `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}, not ${describeValue(value)}` };
    }
    case 'minimum':
      return { path, location: at(path), message: `must be at least ${params.limit}, not ${describeValue(value)}` };
    case 'maximum':
      return { path, location: at(path), message: `must be at most ${params.limit}, not ${describeValue(value)}` };
    case 'exclusiveMinimum':
      return { path, location: at(path), message: `must be greater than ${params.limit}, not ${describeValue(value)}` };
    case 'exclusiveMaximum':
      return { path, location: at(path), message: `must be less than ${params.limit}, not ${describeValue(value)}` };
    case 'minItems':
      return { path, location: at(path), message: `must have at least ${params.limit} item${params.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { path, location: at(path), message: `must have at most ${params.limit} items` };
    case 'minProperties':
      return { path, location: at(path, 'key'), message: `must have at least ${params.limit} entr${params.limit === 1 ? 'y' : 'ies'}` };
    case 'minLength':
      return { path, location: at(path), message: params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters long` };
    case 'maxLength': {
      const name = (e as ErrorObject & { propertyName?: string }).propertyName;
      if (name !== undefined) return { path: child(name), location: at(child(name), 'key'), message: `name "${name}" is too long (at most ${params.limit} characters)` };
      return { path, location: at(path), message: `is too long: at most ${params.limit} characters` };
    }
    case 'pattern': {
      const name = (e as ErrorObject & { propertyName?: string }).propertyName;
      const rule = PATTERNS[String(params.pattern)] ?? `must match the pattern ${params.pattern}`;
      if (name !== undefined) return { path: child(name), location: at(child(name), 'key'), message: `name "${name}" is not allowed: it ${rule}` };
      return { path, location: at(path), message: `${describeValue(value)} is not allowed: it ${rule}` };
    }
    case 'uniqueItems':
      return { path, location: at(path), message: `must not repeat an item (items ${params.j} and ${params.i} are the same)` };
    case 'discriminator': {
      const tag = String(params.tag);
      if (params.error === 'mapping') {
        const allowed = discriminatorValues(e);
        const tv = String(params.tagValue);
        const guess = didYouMean(tv, allowed);
        return { path: child(tag), location: at(child(tag)), message: `unknown ${tag} "${tv}"; use one of: ${allowed.join(', ')}` + (guess ? ` (did you mean "${guess}"?)` : '') };
      }
      // tag missing: `required` says so; tag not a string:
      if (!isPlainObject(value) || !(tag in value)) return undefined;
      return { path: child(tag), location: at(child(tag)), message: `must be a text value, not ${describeValue(value[tag])}` };
    }
    case 'anyOf':
    case 'oneOf': {
      const branches = (e.schema as unknown[]).map((b) => deref(b as object) as Record<string, any>);
      return { path, location: at(path), message: `must be ${branches.map(describeSchemaType).join(', or ')}; not ${describeValue(value)}` };
    }
    default:
      return { path, location: at(path), message: e.message ?? `is invalid (${e.keyword})` };
  }
}

/**
 * A `false` property in an if/then block: the key is not used by that variant (`rho` on adam). The
 * block is found from the data (ajv's schemaPath is relative to whichever $ref was compiled separately).
 */
function notUsed(segs: PathSegment[], data: unknown, at: (p: string, w?: 'value' | 'key') => SourceLocation | undefined): Problem {
  const path = formatPath(segs);
  const key = String(segs[segs.length - 1]);
  const parentSegs = segs.slice(0, -1);
  const parent = getAt(data, parentSegs);
  const w = walkSchema(parentSegs, data);
  if (w.ok && isPlainObject(parent)) {
    for (const s of w.schemas) {
      for (const block of (s.allOf ?? []) as Record<string, any>[]) {
        if (block.then?.properties?.[key] !== false) continue;
        const [tagKey] = Object.keys(block.if?.properties ?? {});
        if (!tagKey || !ifMatches(block.if.properties[tagKey], parent[tagKey])) continue;
        const kind = String(parentSegs[parentSegs.length - 1] ?? '').replace(/^\d+$/, '') || 'setting';
        const takes = Object.keys(s.properties ?? {}).filter((k) => block.then.properties[k] !== false);
        return { path, location: at(path, 'key'), message: `"${key}" is not used by the ${String(parent[tagKey])} ${noun(kind)}; it takes: ${takes.join(', ')}` };
      }
    }
  }
  return { path, location: at(path, 'key'), message: `key "${key}" is not used here` };
}

function ifMatches(cond: Record<string, any>, v: unknown): boolean {
  if ('const' in cond) return cond.const === v;
  if (Array.isArray(cond.enum)) return cond.enum.includes(v);
  return false;
}

/** `kernel_initializer` -> initializer, `optimizer` -> optimizer, `schedule` -> schedule. */
function noun(key: string): string {
  if (key.endsWith('initializer')) return 'initializer';
  return key;
}

function discriminatorValues(e: ErrorObject): string[] {
  const parent = e.parentSchema as Record<string, any> | undefined;
  const tag = String((e.params as Record<string, any>).tag);
  const out: string[] = [];
  for (const b of parent?.oneOf ?? []) {
    const s = deref(b) as Record<string, any>;
    const c = s.properties?.[tag]?.const;
    if (typeof c === 'string') out.push(c);
  }
  return out;
}

export { experimentSchema };
