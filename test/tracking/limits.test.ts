import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flattenForParams } from '../../src/tracking/flatten.ts';
import { type Batch, keyListTag, legalKey, legalParams, splitBatches } from '../../src/tracking/limits.ts';

const metric = (i: number) => ({ key: `m${i % 7}`, value: i, timestamp: 1000 + i, step: i });
const kv = (p: string, i: number) => ({ key: `${p}${i}`, value: String(i) });

test('splitBatches: every batch within MLflow limits, nothing lost, order kept', () => {
  for (const [nm, np, nt] of [
    [2500, 250, 130],
    [0, 100, 0],
    [1000, 0, 0],
    [999, 1, 1],
    [1, 101, 0],
    [0, 0, 0],
  ] as const) {
    const all: Batch = {
      metrics: Array.from({ length: nm }, (_, i) => metric(i)),
      params: Array.from({ length: np }, (_, i) => kv('p', i)),
      tags: Array.from({ length: nt }, (_, i) => kv('t', i)),
    };
    const batches = splitBatches(all);
    for (const b of batches) {
      assert.ok(b.metrics.length <= 1000 && b.params.length <= 100 && b.tags.length <= 100, 'b.metrics.length <= 1000 && b.params.length <= 100 && b.tags.length <= 100');
      assert.ok(b.metrics.length + b.params.length + b.tags.length <= 1000, 'b.metrics.length + b.params.length + b.tags.length <= 1000');
      assert.ok(b.metrics.length + b.params.length + b.tags.length > 0, 'no empty request');
    }
    assert.deepEqual(batches.flatMap((b) => b.metrics), all.metrics);
    assert.deepEqual(batches.flatMap((b) => b.params), all.params);
    assert.deepEqual(batches.flatMap((b) => b.tags), all.tags);
    // Fewest requests possible: bounded below by each per-type limit and by the total limit.
    const lower = Math.max(Math.ceil(nm / 1000), Math.ceil(np / 100), Math.ceil(nt / 100), Math.ceil((nm + np + nt) / 1000));
    assert.ok(batches.length <= lower + 1, `${batches.length} batches for ${nm}/${np}/${nt}`);
  }
});

test('legalKey replaces characters MLflow rejects and shortens keys over 250 characters, distinctly', () => {
  assert.equal(legalKey('models.deep.layers[2].units'), 'models.deep.layers_2_.units');
  assert.equal(legalKey('ok/key-name_1.2 x'), 'ok/key-name_1.2 x');
  const a = legalKey('k'.repeat(300) + 'a');
  const b = legalKey('k'.repeat(300) + 'b');
  assert.ok(a.length <= 250 && b.length <= 250, 'a.length <= 250 && b.length <= 250');
  assert.notEqual(a, b);
});

test('legalParams shortens long values to the limit and names them', () => {
  const { params, shortened } = legalParams(
    [
      { key: 'short', value: 'v' },
      { key: 'long', value: 'y'.repeat(7000) },
      { key: 'edge', value: 'z'.repeat(6000) },
    ],
    6000,
  );
  assert.deepEqual(shortened, ['long']);
  assert.equal(params[1]!.value.length, 6000);
  assert.ok(params[1]!.value.endsWith('[truncated]'), 'params[1]!.value.endsWith("[truncated]")');
  assert.equal(params[2]!.value.length, 6000);
  assert.equal(legalParams([{ key: 'long', value: 'y'.repeat(501) }], 500).params[0]!.value.length, 500);
});

test('keyListTag stays within the tag value limit and says how many it left out', () => {
  const keys = Array.from({ length: 2000 }, (_, i) => `models.deep.layers.${i}.kernel_initializer`);
  const v = keyListTag(keys);
  assert.ok(v.length <= 5000, 'v.length <= 5000');
  const m = /\.\.\. and (\d+) more$/.exec(v);
  assert.ok(m, 'm');
  const listed = v.slice(0, m.index).split(', ').filter((s) => s.trim() !== '').length;
  assert.equal(listed + Number(m[1]), 2000);
});

test('flattenForParams: dotted keys MLflow accepts, scalars as text, the tracking block left out', () => {
  const spec = {
    name: 'seed',
    seed: 42,
    data: { features: ['a', 'b'], sha256: null },
    models: { deep: { layers: [{ units: 300, activation: 'relu' }], early_stopping: false } },
    matrix: {},
    tracking: { mlflow: { uri: 'http://secret-host:5000', tags: { a: 'b' } } },
  };
  assert.deepEqual(flattenForParams(spec), [
    { key: 'name', value: 'seed' },
    { key: 'seed', value: '42' },
    { key: 'data.features.0', value: 'a' },
    { key: 'data.features.1', value: 'b' },
    { key: 'data.sha256', value: 'null' },
    { key: 'models.deep.layers.0.units', value: '300' },
    { key: 'models.deep.layers.0.activation', value: 'relu' },
    { key: 'models.deep.early_stopping', value: 'false' },
    { key: 'matrix', value: '{}' },
  ]);
});

test('run tags: the command as typed, a structured data fingerprint as JSON, spec tags last', async () => {
  const { runTags, commandLine } = await import('../../src/tracking/sync.ts');
  assert.equal(commandLine(['/usr/bin/node', '/home/u/exp/src/cli/main.ts', 'run', 'experiments/deep.yaml']), 'exp run experiments/deep.yaml');
  assert.equal(commandLine(['/usr/local/bin/node', '/usr/lib/node_modules/exp/dist/src/cli/main.js', 'run', 'a.yaml', '--set', 'seed=1']), 'exp run a.yaml --set seed=1');
  assert.equal(commandLine(['/usr/bin/exp', 'run', 'a.yaml']), 'exp run a.yaml');
  assert.equal(commandLine('exp run a.yaml'), 'exp run a.yaml');
  const tags = new Map(
    runTags(
      { id: 'r1', name: 'seed', data: { fingerprint: { source: 'higgs-sim', events: 1000 } }, git: null, command: ['node', 'src/cli/main.ts', 'run', 'x.yaml'] },
      { description: 'hello' },
      { uri: 'http://h', tags: { 'mlflow.user': 'override', team: 'hep' }, artifacts: true, timeoutMs: 1, maxRetryMs: 0, retryBaseMs: 1, insecureTls: false },
    ).map((t) => [t.key, t.value]),
  );
  assert.equal(tags.get('exp.data.fingerprint'), '{"source":"higgs-sim","events":1000}');
  assert.equal(tags.get('mlflow.source.name'), 'exp run x.yaml');
  assert.equal(tags.get('mlflow.note.content'), 'hello');
  assert.equal(tags.get('mlflow.user'), 'override');
  assert.equal(tags.get('mlflow.runName'), 'r1');
  assert.equal(tags.get('team'), 'hep');
  assert.equal(tags.has('mlflow.source.git.commit'), false);
});
