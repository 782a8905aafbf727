// The checked-in types must be what the schema generates today, and must actually describe the
// resolved spec (a loaded spec type-checks against them; see the compile-time assertions below).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { GENERATED_FILE, generateTypes, typingSchema } from '../../src/spec/generate-types.ts';
import { experimentSchema } from '../../src/spec/schema.ts';
import type { ResolvedModel, ResolvedSpec } from '../../src/spec/types.ts';

test('src/spec/types.generated.ts matches the schema (run `npm run gen:types` if this fails)', async () => {
  const fresh = await generateTypes();
  const onDisk = readFileSync(GENERATED_FILE, 'utf8');
  assert.ok(fresh === onDisk, 'types.generated.ts is stale: run `npm run gen:types`');
});

test('the drift check notices a schema change', async () => {
  const schema = structuredClone(experimentSchema());
  schema.$defs.split.properties.new_key = { type: 'integer', default: 1, description: 'x' };
  const { compile } = await import('json-schema-to-typescript');
  const out = await compile(typingSchema(schema, true) as any, 'X', { bannerComment: '', additionalProperties: false });
  assert.match(out, /new_key: number;/, 'a defaulted key becomes required in the resolved types');
  assert.doesNotMatch(readFileSync(GENERATED_FILE, 'utf8'), /new_key/);
});

// Compile-time: a resolved model has every training key required.
type Required_<T, K extends keyof T> = undefined extends T[K] ? false : true;
const _check: [Required_<ResolvedModel, 'batch_size'>, Required_<ResolvedModel, 'optimizer'>, Required_<ResolvedSpec['data'], 'source'>] = [true, true, true];
void _check;
