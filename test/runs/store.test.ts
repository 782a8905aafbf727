import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { spawn } from 'node:child_process';
import { parse as parseCsv } from 'csv-parse/sync';
import { createRun, loadModel, loadPredictions } from '../../src/runs/run.ts';
import { writeFileAtomic } from '../../src/util/atomic.ts';
import { readPredictionsFile, decodePredictions } from '../../src/runs/predictions.ts';
import { resolveRun, listRuns, readRun } from '../../src/runs/store.ts';
import { effectiveStatus } from '../../src/runs/record.ts';
import { fakeRun } from './helpers.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'exp-runs-'));

test('createRun makes the directory, spec files and a running run.json', () => {
  const runsDir = join(tmp(), 'runs');
  const run = createRun({ runsDir, name: 'deep net/1', specText: 'name: x\n# comment kept\n', resolvedSpec: { a: { b: 1 } }, meta: { seed: 42, models: ['deep'], cwd: tmpdir() } });
  try {
    assert.match(basename(run.dir), /^\d{8}-\d{6}-deep-net-1-[0-9a-f]{6}$/);
    assert.equal(run.id, basename(run.dir));
    assert.equal(readFileSync(join(run.dir, 'spec.yaml'), 'utf8'), 'name: x\n# comment kept\n');
    assert.deepEqual(JSON.parse(readFileSync(join(run.dir, 'spec.resolved.json'), 'utf8')), { a: { b: 1 } });
    const rec = JSON.parse(readFileSync(join(run.dir, 'run.json'), 'utf8'));
    assert.equal(rec.status, 'running');
    assert.equal(rec.seed, 42);
    assert.equal(rec.git, null); // tmpdir is not a repository
    assert.equal(rec.node, process.version);
    assert.match(rec.tfjs, /^\d+\.\d+\.\d+/);
    assert.deepEqual(rec.models, ['deep']);
    assert.equal(rec.ended_at, null);
  } finally {
    run.finish('finished');
  }
});

test('git commit and dirty flag are recorded inside a repository', () => {
  const run = createRun({ runsDir: tmp(), name: 'g', specText: '', resolvedSpec: {}, meta: { cwd: process.cwd() } });
  run.finish('finished');
  const rec = JSON.parse(readFileSync(join(run.dir, 'run.json'), 'utf8'));
  assert.match(rec.git.commit, /^[0-9a-f]{40}$/);
  assert.equal(typeof rec.git.dirty, 'boolean');
});

test('status transitions, heartbeat and files kept on failure', async () => {
  const run = createRun({ runsDir: tmp(), name: 's', specText: '', resolvedSpec: {}, meta: { heartbeatSeconds: 0.05 } });
  const first = JSON.parse(readFileSync(join(run.dir, 'run.json'), 'utf8')).heartbeat_at;
  run.appendEpoch('m', { epoch: 1, loss: 0.5 });
  await new Promise((r) => setTimeout(r, 200));
  const mid = JSON.parse(readFileSync(join(run.dir, 'run.json'), 'utf8'));
  assert.equal(mid.status, 'running');
  assert.ok(Date.parse(mid.heartbeat_at) > Date.parse(first), 'heartbeat advanced');
  run.finish('interrupted', { error: { message: 'SIGINT' } });
  const end = JSON.parse(readFileSync(join(run.dir, 'run.json'), 'utf8'));
  assert.equal(end.status, 'interrupted');
  assert.equal(end.error.message, 'SIGINT');
  assert.ok(end.ended_at);
  assert.ok(existsSync(join(run.dir, 'models/m/metrics.jsonl')));
  // no more heartbeats after finish
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(JSON.parse(readFileSync(join(run.dir, 'run.json'), 'utf8')).heartbeat_at, end.heartbeat_at);
  // no temp files left behind
  assert.deepEqual(readdirSync(run.dir).filter((f) => f.endsWith('.tmp')), []);
  assert.throws(() => run.writeText('../escape.txt', 'x'), /outside the run directory/);
  assert.throws(() => run.appendEpoch('../x', { epoch: 1 }), /cannot be used as a directory name/);
});

test('metrics.csv and metrics.jsonl hold the same epochs, new keys become columns', () => {
  const run = createRun({ runsDir: tmp(), name: 'm', specText: '', resolvedSpec: {} });
  run.appendEpoch('deep', { epoch: 1, loss: 0.69, accuracy: 0.5, val_loss: 0.68, seconds: 1.5 });
  run.appendEpoch('deep', { epoch: 2, loss: 0.6, accuracy: 0.6, val_loss: 0.61, val_auc: 0.7, seconds: 1.4 });
  run.appendEpoch('deep', { epoch: 3, loss: 0.55, accuracy: 0.65, val_loss: 0.6, val_auc: 0.72, seconds: 1.4, grad_norm: 3 });
  run.finish('finished');
  const jsonl = readFileSync(join(run.dir, 'models/deep/metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const csv = parseCsv(readFileSync(join(run.dir, 'models/deep/metrics.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(jsonl.length, 3);
  assert.equal(csv.length, 3);
  for (let i = 0; i < 3; i++) {
    for (const [k, v] of Object.entries(jsonl[i])) assert.equal(Number(csv[i]![k]), v, `epoch ${i + 1} ${k}`);
  }
  assert.equal(csv[0]!.val_auc, '');
  assert.equal(csv[0]!.grad_norm, '');
  assert.equal(Object.keys(csv[0]!)[0], 'epoch');
});

test('atomic writes: a concurrent reader only ever sees a whole old or a whole new file', async () => {
  const dir = tmp();
  const file = join(dir, 'big.json');
  const a = JSON.stringify({ v: 'a', pad: 'x'.repeat(3_000_000) });
  writeFileAtomic(file, a);
  // A child process rewrites the file with alternating 3 MB contents while we read it.
  const script = `
    import { writeFileAtomic } from ${JSON.stringify(new URL('../../src/util/atomic.ts', import.meta.url).pathname)};
    const a = JSON.stringify({ v: 'a', pad: 'x'.repeat(3_000_000) });
    const b = JSON.stringify({ v: 'b', pad: 'y'.repeat(3_100_000) });
    for (let i = 0; i < 40; i++) writeFileAtomic(${JSON.stringify(file)}, i % 2 ? a : b);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'inherit' });
  const done = new Promise((r) => child.on('exit', r));
  let reads = 0;
  let exited = false;
  void done.then(() => (exited = true));
  while (!exited) {
    const text = readFileSync(file, 'utf8');
    const obj = JSON.parse(text); // throws on a torn file
    assert.ok(obj.v === 'a' || obj.v === 'b');
    reads++;
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(await done, 0);
  assert.ok(reads > 0);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('model save/load round trip gives identical predictions', async () => {
  const tf = await import('@tensorflow/tfjs');
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: 'tanh' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
  });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const run = createRun({ runsDir: tmp(), name: 'model', specText: '', resolvedSpec: {} });
  await run.saveModel('shallow', model, 'model');
  await run.saveModel('shallow', model, 'best');
  run.finish('finished');
  for (const which of ['model', 'best']) {
    assert.ok(existsSync(join(run.dir, 'models/shallow', which, 'weights.bin')));
    const loaded = await loadModel(join(run.dir, 'models/shallow', which));
    const x = tf.tensor2d(Float32Array.from({ length: 40 }, (_, i) => Math.sin(i)), [10, 4]);
    const p1 = (model.predict(x) as import('@tensorflow/tfjs').Tensor).dataSync();
    const p2 = (loaded.predict(x) as import('@tensorflow/tfjs').Tensor).dataSync();
    assert.deepEqual(Array.from(p2), Array.from(p1));
  }
  const json = JSON.parse(readFileSync(join(run.dir, 'models/shallow/model/model.json'), 'utf8'));
  assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
  await assert.rejects(loadModel(join(run.dir, 'nope')), /cannot read saved model/);
});

test('predictions round trip and corrupt files are rejected', () => {
  const run = createRun({ runsDir: tmp(), name: 'p', specText: '', resolvedSpec: {} });
  const scores = Float32Array.from([0.1, 0.9, 0.33333334, 1e-8, 0.5]);
  const labels = Float32Array.from([0, 1, 1, 0, 1]);
  const p = run.savePredictions('deep', scores, labels, { test_fingerprint: 'abc' });
  run.finish('finished');
  const back = loadPredictions(run.dir, 'deep');
  assert.deepEqual(Array.from(back.scores), Array.from(scores));
  assert.deepEqual(Array.from(back.labels), [0, 1, 1, 0, 1]);
  assert.equal(back.header.test_fingerprint, 'abc');
  assert.equal(back.header.model, 'deep');
  assert.equal(back.header.count, 5);
  const raw = readFileSync(p);
  assert.throws(() => decodePredictions(raw.subarray(0, raw.length - 1)), /truncated/);
  const bad = Buffer.from(raw);
  bad.write('XXXX', 0);
  assert.throws(() => decodePredictions(bad), /bad magic/);
  assert.throws(() => readPredictionsFile(join(run.dir, 'none.bin')), /cannot read predictions/);
  assert.throws(() => run.savePredictions('deep', [0.1], [2]), /labels 0 or 1/);
});

test('dead detection: a running run with a stale heartbeat is dead', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const rec = { status: 'running' as const, heartbeat_at: '2026-01-01T11:59:55Z', heartbeat_interval_s: 10 };
  assert.equal(effectiveStatus(rec, now), 'running');
  assert.equal(effectiveStatus({ ...rec, heartbeat_at: '2026-01-01T11:59:00Z' }, now), 'dead');
  assert.equal(effectiveStatus({ ...rec, status: 'finished', heartbeat_at: '2000-01-01T00:00:00Z' }, now), 'finished');
  const runsDir = tmp();
  fakeRun(runsDir, { id: '20260101-110000-demo-aaaaaa', status: 'running', startedAt: '2026-01-01T11:00:00Z', heartbeatAt: '2026-01-01T11:00:30Z' });
  assert.equal(listRuns(runsDir)[0]!.status, 'dead');
});

test('SIGKILL mid-training: finished epochs intact, the run shows as dead', async () => {
  const runsDir = tmp();
  const script = `
    import { createRun } from ${JSON.stringify(new URL('../../src/runs/run.ts', import.meta.url).pathname)};
    const run = createRun({ runsDir: ${JSON.stringify(runsDir)}, name: 'k', specText: '', resolvedSpec: {}, meta: { heartbeatSeconds: 0.1 } });
    let e = 0;
    setInterval(() => { run.appendEpoch('deep', { epoch: ++e, loss: 1 / e }); if (e === 3) console.log('ready'); }, 20);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((res) => child.stdout.on('data', (d) => String(d).includes('ready') && res()));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  const run = listRuns(runsDir)[0]!;
  assert.ok(['running', 'dead'].includes(run.status));
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(readRun(run.dir)!.status, 'dead');
  const lines = readFileSync(join(run.dir, 'models/deep/metrics.jsonl'), 'utf8').trim().split('\n');
  assert.ok(lines.length >= 3);
  lines.forEach((l, i) => assert.equal(JSON.parse(l).epoch, i + 1));
});

test('RUN references: latest, latest~N, prefix, path, ambiguity', () => {
  const runsDir = tmp();
  const ids = ['20260101-100000-alpha-aaaaaa', '20260101-110000-beta-bbbbbb', '20260101-110500-beta-bcbcbc'];
  ids.forEach((id, i) => fakeRun(runsDir, { id, name: id.split('-')[2], startedAt: `2026-01-01T1${i}:00:00Z` }));
  assert.equal(resolveRun(runsDir, 'latest').id, ids[2]);
  assert.equal(resolveRun(runsDir, 'latest~1').id, ids[1]);
  assert.equal(resolveRun(runsDir, 'latest~2').id, ids[0]);
  assert.throws(() => resolveRun(runsDir, 'latest~3'), /only 3 runs/);
  assert.equal(resolveRun(runsDir, '20260101-10').id, ids[0]);
  assert.equal(resolveRun(runsDir, 'alpha').id, ids[0]);
  assert.equal(resolveRun(runsDir, 'bcbcbc').id, ids[2]);
  assert.throws(() => resolveRun(runsDir, '20260101-110'), /ambiguous: it matches 2 runs/);
  assert.throws(() => resolveRun(runsDir, 'beta'), /ambiguous/);
  assert.equal(resolveRun(runsDir, join(runsDir, ids[1]!)).id, ids[1]);
  assert.throws(() => resolveRun(runsDir, 'zzz'), /no run matches "zzz"/);
  assert.throws(() => resolveRun(tmp(), 'latest'), /no runs in/);
  // a directory without run.json is skipped in listings
  mkdirSync(join(runsDir, 'junk'));
  writeFileSync(join(runsDir, 'junk', 'x'), '');
  assert.equal(listRuns(runsDir).length, 3);
});
