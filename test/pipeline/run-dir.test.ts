// Issue 5: what `exp run` leaves behind. A finished seed.yaml run holds every item of the run
// directory; `exp diff` of two runs that differ in one key shows exactly that key plus the metric
// deltas; SIGINT leaves an interrupted run with its finished epochs; after SIGKILL `exp runs`
// shows the run as dead; a data error before training leaves no run directory.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { epochs, exp, readJson, runDirs, start, tempRunsDir, waitFor } from './helpers.ts';

const TINY = ['--set', 'data.events=4000', '--set', 'split.test_fraction=0.5', '--set', 'training.epochs=2'];

test('seed.yaml: the run directory holds every item; diff shows the one changed key and the metric deltas', async () => {
  const runsDir = tempRunsDir();
  const a = await exp(['run', 'experiments/seed.yaml', ...TINY, '--runs-dir', runsDir]);
  assert.equal(a.code, 0, a.stderr);
  const b = await exp(['run', 'experiments/seed.yaml', ...TINY, '--set', 'models.deep.optimizer.learning_rate=0.003', '--runs-dir', runsDir]);
  assert.equal(b.code, 0, b.stderr);
  const [dirA, dirB] = runDirs(runsDir);

  const nonEmpty = (rel: string) => {
    const p = join(dirA!, rel);
    assert.ok(existsSync(p) && statSync(p).size > 0, `${rel} missing or empty`);
  };
  for (const f of ['spec.yaml', 'spec.resolved.json', 'run.json', 'scaler.json', 'evaluation.json', 'report.html']) nonEmpty(f);
  for (const m of ['shallow', 'deep']) {
    for (const f of ['summary.txt', 'summary.json', 'metrics.csv', 'metrics.jsonl', 'model/model.json', 'model/weights.bin', 'best/model.json', 'predictions.bin', 'evaluation.json']) nonEmpty(`models/${m}/${f}`);
    assert.equal(epochs(dirA!, m).length, 2);
    const csv = readFileSync(join(dirA!, 'models', m, 'metrics.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 3, 'header + one line per epoch');
  }
  assert.equal(readFileSync(join(dirA!, 'spec.yaml'), 'utf8'), readFileSync('experiments/seed.yaml', 'utf8'));
  const run = readJson(join(dirA!, 'run.json'));
  assert.equal(run.status, 'finished');
  for (const k of ['started_at', 'ended_at', 'version', 'node', 'tfjs', 'backend', 'host', 'seed', 'data', 'command']) assert.ok(run[k] != null, `run.json lacks ${k}`);
  assert.equal(run.data.fingerprint.generator, 'higgs-sim');
  const resolved = readJson(join(dirA!, 'spec.resolved.json'));
  assert.equal(resolved.models.deep.batch_size, 100);
  assert.equal(resolved.data.events, 4000);
  const evaluation = readJson(join(dirA!, 'evaluation.json'));
  assert.deepEqual(Object.keys(evaluation.models).sort(), ['deep', 'shallow']);
  // every plot the report shows is saved and inline
  const html = readFileSync(join(dirA!, 'report.html'), 'utf8');
  assert.match(html, /<svg/);
  assert.doesNotMatch(html, /(src|href)=["']https?:/);

  const d = await exp(['diff', dirA!, dirB!, '--json']);
  assert.equal(d.code, 0, d.stderr);
  const diff = JSON.parse(d.stdout);
  const changed = diff.spec.map((c: any) => c.key);
  assert.deepEqual(changed, ['models.deep.optimizer.learning_rate']);
  const text = JSON.stringify(diff);
  assert.match(text, /0\.003/);
  // shallow is unchanged, so its metrics agree exactly; deep's AUC moved
  const metric = (model: string, name: string) => diff.metrics.find((m: any) => m.model === model && m.metric === name);
  for (const model of ['shallow', 'deep']) {
    const auc = metric(model, 'test.auc');
    assert.ok(auc, `${model} test.auc listed`);
    const evA = readJson(join(dirA!, 'models', model, 'evaluation.json'));
    const evB = readJson(join(dirB!, 'models', model, 'evaluation.json'));
    assert.equal(auc.a, evA.auc);
    assert.equal(auc.b, evB.auc);
    assert.ok(Math.abs(auc.delta - (evB.auc - evA.auc)) < 1e-12);
  }
  // the shallow model is untouched by the change: same seed, same data, same numbers
  assert.equal(metric('shallow', 'test.auc').delta, 0);
  assert.notEqual(metric('deep', 'test.auc').delta, 0);
});

test('SIGINT during training: run.json interrupted, finished epochs intact; SIGKILL: exp runs shows dead', async () => {
  const runsDir = tempRunsDir();
  const long = ['run', 'experiments/deep.yaml', '--set', 'data.events=20000', '--set', 'split.test_fraction=0.5', '--set', 'models.deep.epochs=50', '--runs-dir', runsDir];
  const env = { EXP_HEARTBEAT_SECONDS: '0.3' };

  const p = start(long, env);
  const dir = await waitFor(() => runDirs(runsDir)[0], 60_000, 'the run directory');
  await waitFor(() => epochs(dir, 'deep').length >= 1, 90_000, 'the first epoch');
  p.child.kill('SIGINT');
  const r = await p.done;
  assert.equal(r.code, 130, r.stderr);
  const run = readJson(join(dir, 'run.json'));
  assert.equal(run.status, 'interrupted');
  const done = epochs(dir, 'deep');
  assert.ok(done.length >= 1 && done.length < 50);
  for (const e of done) assert.ok(Number.isFinite(e.loss));
  assert.ok(existsSync(join(dir, 'models/deep/model/model.json')), 'the model as trained so far is kept');

  const k = start(long, env);
  const dir2 = await waitFor(() => runDirs(runsDir).find((x) => x !== dir), 60_000, 'the second run directory');
  await waitFor(() => epochs(dir2, 'deep').length >= 1, 90_000, 'the first epoch');
  k.child.kill('SIGKILL');
  await k.done;
  await new Promise((res) => setTimeout(res, 1500)); // > 3 missed heartbeats of 0.3 s
  const list = await exp(['runs', '--json', '--runs-dir', runsDir]);
  assert.equal(list.code, 0, list.stderr);
  const rows = JSON.parse(list.stdout);
  const byDir = (x: string) => rows.find((row: any) => x.endsWith(row.id));
  assert.equal(byDir(dir2).status, 'dead');
  assert.equal(byDir(dir).status, 'interrupted');
  assert.ok(epochs(dir2, 'deep').length >= 1, 'finished epochs of the killed run are intact');
});

test('a data error (missing HDF5 file) fails before training, names the key, and leaves no run directory', async () => {
  const runsDir = tempRunsDir();
  const r = await exp(['run', 'experiments/deep.yaml', '--set', 'data.source=hdf5', '--set', 'data.path=no-such.h5', '--runs-dir', runsDir]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /data\.path/);
  assert.match(r.stderr, /no-such\.h5/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.deepEqual(runDirs(runsDir), []);
});
