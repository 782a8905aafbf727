// loadSpec: extends merging, locations, --set typing, defaults (per-optimizer table from the schema),
// model inheritance of training keys, matrix expansion, flattenSpec and expandLayers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { expandLayers, flattenSpec, loadSpec, schemaDefaults, type LoadedSpec } from '../../src/spec/index.ts';
import type { Problem } from '../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'exp-spec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

async function load(file: string, overrides: string[] = []): Promise<LoadedSpec> {
  const r = await loadSpec(file, { overrides });
  if (!r.ok) assert.fail(r.problems.map((p) => `${p.location?.line}:${p.location?.col} ${p.path}: ${p.message}`).join('\n'));
  return r.value;
}

async function problems(file: string, overrides: string[] = []): Promise<Problem[]> {
  const r = await loadSpec(file, { overrides });
  assert.equal(r.ok, false, 'expected the spec to be rejected');
  return r.ok ? [] : r.problems;
}

const MODEL = ['    layers:', '      - {type: dense, units: 4, activation: relu}', '      - {type: dense, units: 1, activation: sigmoid}'];

test('extends: mappings merge key by key, lists and scalars replace; locations follow the winning file', async () => {
  write('base.yaml', [
    'name: base', // 1
    'split:', // 2
    '  test_fraction: 0.5', // 3
    '  stratify: true', // 4
    'evaluation:', // 5
    '  background_efficiencies: [0.1, 0.01, 0.001]', // 6
    'models:', // 7
    '  a:', // 8
    ...MODEL, // 9-11
  ]);
  const child = write('child.yaml', [
    'extends: base.yaml', // 1
    'name: child', // 2
    'split:', // 3
    '  test_fraction: 0.8', // 4
    'evaluation:', // 5
    '  background_efficiencies: [0.2]', // 6
    'models:', // 7
    '  b:', // 8
    ...MODEL,
  ]);
  const s = await load(child);
  assert.equal(s.resolved.name, 'child');
  assert.equal(s.resolved.split.test_fraction, 0.8);
  assert.equal(s.resolved.split.stratify, true, 'base key kept');
  assert.deepEqual(s.resolved.evaluation.background_efficiencies, [0.2], 'lists replace');
  assert.deepEqual(Object.keys(s.resolved.models), ['a', 'b'], 'models merge');
  assert.deepEqual(s.locate('split.test_fraction'), { file: child, line: 4, col: 18 });
  assert.deepEqual(s.locate('split.stratify'), { file: join(dir, 'base.yaml'), line: 4, col: 13 });
  assert.deepEqual(s.locate('evaluation.background_efficiencies[0]'), { file: child, line: 6, col: 29 });
  assert.equal(s.locate('evaluation.background_efficiencies[2]')?.file, child, 'replaced list: no stale base positions');
  assert.deepEqual(s.locate('models.a.layers[1].units'), { file: join(dir, 'base.yaml'), line: 11, col: 30 });
  // a key not written anywhere points at its nearest written parent
  assert.deepEqual(s.locate('split.seed'), { file: child, line: 3, col: 1 });
  assert.equal(s.text.split('\n')[0], 'extends: base.yaml', 'text as written');
});

test('every model carries every training key: its own, else training\'s, else the schema default', async () => {
  const f = write('inherit.yaml', [
    'name: inherit',
    'training:',
    '  epochs: 7',
    '  optimizer: {name: sgd, learning_rate: 0.05}',
    'models:',
    '  own:',
    '    epochs: 3',
    '    optimizer: {name: rmsprop}',
    ...MODEL,
    '  inherited:',
    ...MODEL,
  ]);
  const s = await load(f);
  const { own, inherited } = s.resolved.models;
  assert.equal(own!.epochs, 3);
  assert.equal(inherited!.epochs, 7);
  assert.equal(own!.batch_size, 100, 'schema default');
  assert.deepEqual(
    { ...own!.optimizer, schedule: null },
    { name: 'rmsprop', learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, weight_decay: 0, clipnorm: null, schedule: null },
    'a model\'s optimizer replaces training\'s whole, with its own defaults',
  );
  assert.deepEqual(
    { ...inherited!.optimizer, schedule: null },
    { name: 'sgd', learning_rate: 0.05, momentum: 0, nesterov: false, momentum_schedule: null, weight_decay: 0, clipnorm: null, schedule: null },
  );
  assert.equal(inherited!.early_stopping, null);
  assert.equal(inherited!.features, null);
});

test('optimizer defaults come from the schema table, for every optimizer', async () => {
  const expected: Record<string, Record<string, unknown>> = {
    sgd: { learning_rate: 0.01, momentum: 0, nesterov: false },
    adam: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
    adamax: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
    nadam: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, momentum_decay: 0.004 },
    rmsprop: { learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7 },
    adagrad: { learning_rate: 0.001, epsilon: 1e-7 },
  };
  const f = write('optimizers.yaml', [
    'name: optimizers',
    'models:',
    ...Object.keys(expected).flatMap((o) => [`  ${o}:`, `    optimizer: {name: ${o}}`, ...MODEL]),
  ]);
  const s = await load(f);
  const specific = ['learning_rate', 'momentum', 'nesterov', 'beta_1', 'beta_2', 'epsilon', 'rho', 'momentum_decay'];
  for (const [name, want] of Object.entries(expected)) {
    const got = s.resolved.models[name]!.optimizer as unknown as Record<string, unknown>;
    const picked = Object.fromEntries(specific.filter((k) => k in got).map((k) => [k, got[k]]));
    assert.deepEqual(picked, want, name);
  }
});

test('schedule parameters: defaults per type, required decay_rate, foreign keys rejected', async () => {
  const f = write('schedules.yaml', [
    'name: schedules',
    'models:',
    '  m:',
    '    optimizer: {name: sgd, schedule: {type: step}}',
    ...MODEL,
  ]);
  const s = await load(f);
  assert.deepEqual(s.resolved.models.m!.optimizer.schedule, { type: 'step', gamma: 0.1, step_epochs: 10, floor: 0 });
  const bad = write('schedules-bad.yaml', [
    'name: schedules',
    'models:',
    '  m:',
    '    optimizer: {name: sgd, schedule: {type: exponential, gamma: 0.5}}',
    ...MODEL,
  ]);
  const ps = await problems(bad);
  assert.ok(ps.some((p) => p.path === 'models.m.optimizer.schedule.gamma' && /not used by the exponential schedule/.test(p.message)), JSON.stringify(ps));
  assert.ok(ps.some((p) => p.path === 'models.m.optimizer.schedule.decay_rate' && /missing required key/.test(p.message)), JSON.stringify(ps));
});

test('--set: values are YAML scalars typed by the schema; paths through defaults start from the default', async () => {
  const f = write('set.yaml', ['name: set', 'models:', '  m:', ...MODEL]);
  const s = await load(f, ['models.m.epochs=2', 'split.shuffle=false', 'data.features=[m_bb, m_jj]', 'models.m.optimizer.learning_rate=0.01', 'models.m.layers[0].units=16']);
  const m = s.resolved.models.m!;
  assert.equal(m.epochs, 2);
  assert.equal(s.resolved.split.shuffle, false);
  assert.deepEqual(s.resolved.data.features, ['m_bb', 'm_jj']);
  assert.equal(m.optimizer.name, 'nadam', 'the optimizer the model would have had');
  assert.equal(m.optimizer.learning_rate, 0.01);
  assert.equal(m.optimizer.momentum_decay, 0.004);
  assert.equal(m.layers[0]!.type === 'dense' && m.layers[0]!.units, 16);
  assert.deepEqual(s.locate('models.m.epochs'), { file: '--set', line: 1, col: 17 });
  const ps = await problems(f, ['models.m.layers[0].units=1.5', 'scaler=robust']);
  assert.deepEqual(
    ps.map((p) => [p.location?.file, p.location?.line, p.path]),
    [
      ['--set', 1, 'models.m.layers[0].units'],
      ['--set', 2, 'scaler'],
    ],
  );
});

test('matrix: one validated, named spec per combination', async () => {
  const f = write('matrix.yaml', [
    'name: grid',
    'models:',
    '  m:',
    ...MODEL,
    'matrix:',
    '  data.features: [low-level, all]',
    '  models.m.optimizer.learning_rate: [0.01, 0.001, 0.0001]',
  ]);
  const s = await load(f);
  assert.equal(s.variants.length, 6);
  assert.deepEqual(
    s.variants.map((v) => [v.name, v.data.features, v.models.m!.optimizer.learning_rate]),
    [
      ['grid-low-level-0.01', 'low-level', 0.01],
      ['grid-low-level-0.001', 'low-level', 0.001],
      ['grid-low-level-0.0001', 'low-level', 0.0001],
      ['grid-all-0.01', 'all', 0.01],
      ['grid-all-0.001', 'all', 0.001],
      ['grid-all-0.0001', 'all', 0.0001],
    ],
  );
  for (const v of s.variants) assert.deepEqual(v.matrix, {});
  assert.equal(s.resolved.name, 'grid');
  const none = await load(write('nomatrix.yaml', ['name: one', 'models:', '  m:', ...MODEL]));
  assert.deepEqual(none.variants, [none.resolved]);
});

test('expandLayers unrolls repeat; flattenSpec gives dotted keys', async () => {
  const s = await load('experiments/deep.yaml');
  const layers = expandLayers(s.resolved.models.deep!.layers);
  assert.equal(layers.length, 6);
  assert.deepEqual(layers.map((l) => (l.type === 'dense' ? `${l.units}${l.activation}` : l.type)), ['300relu', '300relu', '300relu', '300relu', '300relu', '1sigmoid']);
  assert.ok(layers.every((l) => l.repeat === 1));
  const flat = flattenSpec(s.resolved);
  assert.equal(flat['models.deep.layers[0].units'], 300);
  assert.equal(flat['models.deep.optimizer.beta_2'], 0.999);
  assert.equal(flat['split.test_fraction'], 0.9);
  assert.deepEqual(flat['matrix'], {});
  assert.ok(Object.values(flat).every((v) => v === null || typeof v !== 'object' || Object.keys(v as object).length === 0));
});

test('schemaDefaults fills every default key for a minimal spec', () => {
  const d = schemaDefaults();
  assert.equal(d.scaler, 'standard');
  assert.equal(d.split.test_fraction, 0.2);
  assert.equal(d.training.optimizer.name, 'nadam');
  assert.equal(d.models.model!.batch_size, 100);
});

test('data.path written in a base file stays relative to that file', async () => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'shared'), { recursive: true });
  write('shared/base-data.yaml', ['data:', '  source: hdf5', '  path: ../../data/HIGGS.h5']);
  const f = write('uses-base-data.yaml', ['extends: shared/base-data.yaml', 'name: d', 'models:', '  m:', ...MODEL]);
  const s = await load(f);
  // dir/shared/../../data = the parent of dir; relative to dir that is ../data
  assert.equal(s.resolved.data.path, '../data/HIGGS.h5');
  assert.equal(s.dir, dir);
});

test('the commented HIGGS.h5 block of each experiment is a valid spec once uncommented', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const files = readdirSync('experiments').filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 4);
  for (const name of files) {
    const text = readFileSync(join('experiments', name), 'utf8');
    const at = text.indexOf('# --- On the real HIGGS.h5');
    assert.ok(at > 0, `${name} has a HIGGS.h5 block`);
    const block = text
      .slice(at)
      .split('\n')
      .slice(1)
      .filter((l) => l.startsWith('# data:') || l.startsWith('#   '))
      .map((l) => l.slice(2));
    const head = text.slice(0, at).replace(/^extends: (.*)$/m, (_m, p: string) => `extends: ${resolve('experiments', p)}`);
    const f = write(`h5-${name}`, [head, ...block]);
    const s = await load(f);
    for (const v of s.variants) {
      assert.equal(v.data.source, 'hdf5', name);
      assert.equal(v.data.path, '../data/HIGGS.h5', name);
      assert.equal(v.data.features_dataset, 'features');
      assert.equal(v.data.targets_dataset, 'targets');
      assert.equal(v.data.events, null);
    }
  }
});

test("the README's complete example is a valid spec", async () => {
  const { readFileSync } = await import('node:fs');
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('### A complete example'));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'README has the example');
  const f = write('readme-example.yaml', [m[1]!]);
  const s = await load(f);
  assert.deepEqual(Object.keys(s.resolved.models), ['shallow', 'deep']);
  assert.equal(s.resolved.models.deep!.epochs, 20);
  assert.equal(s.resolved.models.shallow!.optimizer.schedule.type, 'exponential');
});
