// The registries are keyed by the names users write in YAML; these tests read the schema
// (the single source of truth) so the two cannot drift apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  ACTIVATIONS,
  INITIALIZERS,
  LAYERS,
  LOSSES,
  OPTIMIZERS,
  REGULARIZERS,
  SCHEDULES,
  createOptimizer,
  optimizerSpecProblems,
} from '../../src/model/index.ts';
import type { OptimizerName, OptimizerSpec } from '../../src/model/index.ts';
import { initializerParams } from '../../src/model/initializers.ts';

const schema = JSON.parse(readFileSync(new URL('../../schema/experiment.schema.json', import.meta.url), 'utf8'));
const defs: Record<string, any> = schema.$defs;

const sorted = (xs: Iterable<string>) => [...xs].sort();

function deref(node: any): any {
  if (node && typeof node.$ref === 'string') return deref(defs[node.$ref.replace('#/$defs/', '')]);
  return node;
}

/** Every `enum` reachable from a node, following $refs (so `anyOf` / `if-then-else` layouts both work); `if` conditions are not name lists. */
function enumsUnder(node: any, seen = new Set<any>()): string[][] {
  node = deref(node);
  if (node == null || typeof node !== 'object' || seen.has(node)) return [];
  seen.add(node);
  const out: string[][] = Array.isArray(node.enum) ? [node.enum] : [];
  for (const [k, v] of Object.entries(node)) if (k !== 'enum' && k !== 'if' && typeof v === 'object') out.push(...enumsUnder(v, seen));
  return out;
}

test('layer registry keys are the schema layer types', () => {
  const types = defs.layer.oneOf.map((ref: any) => deref(ref).properties.type.const);
  assert.deepEqual(sorted(Object.keys(LAYERS)), sorted(types));
});

test('activation registry keys are the schema activation enum', () => {
  assert.deepEqual(sorted(Object.keys(ACTIVATIONS)), sorted(defs.activation.enum));
});

test('initializer registry keys equal every initializer name enum in the schema', () => {
  const enums = enumsUnder(defs.initializer);
  assert.ok(enums.length >= 1, 'schema initializer has no enum');
  for (const e of enums) assert.deepEqual(sorted(Object.keys(INITIALIZERS)), sorted(e));
});

test('initializer parameter defaults equal the schema defaults', () => {
  const config = deref(defs.initializer_config ?? {});
  const clauses: any[] = config.allOf ?? [];
  let checked = 0;
  for (const clause of clauses) {
    const name = clause?.if?.properties?.name?.const;
    if (!name) continue;
    const params = initializerParams({ name });
    for (const [key, rule] of Object.entries<any>(clause.then.properties)) {
      if (rule === false || rule.default === undefined) continue;
      assert.equal(params[key as keyof typeof params], rule.default, `${name}.${key}`);
      checked++;
    }
  }
  // older schema layout: defaults directly on the properties
  for (const [key, rule] of Object.entries<any>(config.properties ?? {})) {
    if (rule?.default === undefined || key === 'name') continue;
    assert.equal(initializerParams({ name: 'random_normal' })[key as 'mean'], rule.default, key);
    checked++;
  }
  assert.ok(checked >= 4, `only ${checked} defaults found in the schema`);
});

test('regularizer factors are the schema regularizer properties', () => {
  assert.deepEqual(sorted(Object.keys(REGULARIZERS)), sorted(Object.keys(defs.regularizer.properties)));
});

test('optimizer registry keys are the schema optimizer names', () => {
  assert.deepEqual(sorted(Object.keys(OPTIMIZERS)), sorted(defs.optimizer.properties.name.enum));
});

test('schedule registry keys are the schema schedule types, and their keys are schema properties', () => {
  assert.deepEqual(sorted(Object.keys(SCHEDULES)), sorted(defs.schedule.properties.type.enum));
  const props = new Set(Object.keys(defs.schedule.properties));
  for (const [type, entry] of Object.entries(SCHEDULES)) {
    for (const k of entry.keys) assert.ok(props.has(k), `${type} uses '${k}', not in the schema`);
  }
});

test('loss registry keys are the schema loss enum', () => {
  assert.deepEqual(sorted(Object.keys(LOSSES)), sorted(defs.training_settings.properties.loss.enum));
});

// The schema's optimizer block carries a per-optimizer table (allOf of if/then): a key set
// to `false` is not used by that optimizer, other keys carry Keras's defaults.
const perOptimizer = new Map<string, Record<string, any>>();
for (const clause of defs.optimizer.allOf ?? []) {
  const name = clause?.if?.properties?.name?.const;
  if (name) perOptimizer.set(name, clause.then.properties);
}

test('the keys each optimizer accepts agree with the schema table', { skip: perOptimizer.size === 0 && 'schema has no per-optimizer table' }, () => {
  for (const name of Object.keys(OPTIMIZERS) as OptimizerName[]) {
    const table = perOptimizer.get(name);
    assert.ok(table, `schema has no entry for ${name}`);
    for (const [key, rule] of Object.entries(table)) {
      const spec = { name, [key]: key === 'nesterov' ? true : key === 'momentum_schedule' ? { start: 0.5, end: 0.9, epochs: 2 } : 0.5 } as OptimizerSpec;
      const problems = optimizerSpecProblems(spec);
      if (rule === false) assert.equal(problems.length, 1, `${name} should reject ${key}`);
      else assert.deepEqual(problems, [], `${name} should accept ${key}`);
    }
  }
});

test('optimizer defaults (from the classes themselves) equal the schema defaults', { skip: perOptimizer.size === 0 && 'schema has no per-optimizer table' }, () => {
  const camel: Record<string, string> = { learning_rate: 'learningRate', beta_1: 'beta1', beta_2: 'beta2', momentum_decay: 'momentumDecay' };
  for (const name of Object.keys(OPTIMIZERS) as OptimizerName[]) {
    const config = createOptimizer({ name }).getConfig();
    for (const [key, rule] of Object.entries(perOptimizer.get(name) ?? {})) {
      if (rule === false || rule.default === undefined || rule.default === null) continue;
      assert.equal(config[camel[key] ?? key], rule.default, `${name}.${key}`);
    }
  }
});

test('optimizerSpecProblems names the key and who uses it', () => {
  const problems = optimizerSpecProblems({ name: 'adam', momentum: 0.9 }, 'models.deep.optimizer');
  assert.equal(problems.length, 1);
  assert.equal(problems[0].path, 'models.deep.optimizer.momentum');
  assert.match(problems[0].hint ?? '', /sgd, rmsprop/);
});
