// `exp runs`, `exp show`, `exp diff`, `exp compare` spawned as a user runs them, over run
// directories fabricated in the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeRun } from './helpers.ts';
import { exp } from './cli-helpers.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'exp-cli-'));
const spec = (epochs: number, lr = 0.001) => ({ name: 'seed', seed: 1, data: { source: 'higgs-sim', events: 1000 }, models: { deep: { epochs, optimizer: { name: 'nadam', learning_rate: lr } }, shallow: { epochs: 10 } } });
const A = '20260101-100000-seed-aaaaaa';
const B = '20260101-110000-seed-bbbbbb';
const C = '20260101-120000-other-cccccc';
const D = '20260102-090000-seed-dddddd';
fakeRun(runsDir, { id: A, name: 'seed', startedAt: '2026-01-01T10:00:00Z', spec: spec(10), models: { shallow: { shift: 1, seed: 1 }, deep: { shift: 1.4, seed: 2 } } });
fakeRun(runsDir, { id: B, name: 'seed', startedAt: '2026-01-01T11:00:00Z', spec: spec(20), models: { shallow: { shift: 1, seed: 1 }, deep: { shift: 1.6, seed: 3 } } });
// a run that scored different test events: no paired test possible
fakeRun(runsDir, { id: C, name: 'other', startedAt: '2026-01-01T12:00:00Z', spec: spec(10, 0.01), testFingerprint: 'fp-2', models: { deep: { shift: 1.45, seed: 4 } } });
// killed: status running, heartbeat long ago
fakeRun(runsDir, { id: D, name: 'seed', status: 'running', startedAt: '2026-01-02T09:00:00Z', heartbeatAt: '2026-01-02T09:00:05Z' });

test('exp runs: JSON, dead detection and filters', async () => {
  const [all, dead, named, since, md] = await Promise.all([
    exp(['runs', '--runs-dir', runsDir, '--json']),
    exp(['runs', '--status', 'dead', '--json'], { EXP_RUNS_DIR: runsDir }),
    exp(['runs', '--runs-dir', runsDir, '--name', 'other', '--json']),
    exp(['runs', '--runs-dir', runsDir, '--since', '2026-01-01T10:30:00Z', '--until', '2026-01-02', '--json']),
    exp(['runs', '--runs-dir', runsDir, '--markdown']),
  ]);
  assert.equal(all.code, 0, all.stderr);
  const rows = JSON.parse(all.stdout);
  assert.deepEqual(rows.map((r: { id: string }) => r.id), [A, B, C, D]);
  assert.equal(rows[3].status, 'dead');
  assert.equal(typeof rows[0].auc.deep, 'number');
  assert.deepEqual(JSON.parse(dead.stdout).map((r: { id: string }) => r.id), [D]);
  assert.deepEqual(JSON.parse(named.stdout).map((r: { id: string }) => r.id), [C]);
  assert.deepEqual(JSON.parse(since.stdout).map((r: { id: string }) => r.id), [B, C]);
  assert.match(md.stdout, /^\| id \| name \| status \| started \| shallow AUC \| deep AUC \|\n\| :--- \|/);
  assert.match(md.stdout, new RegExp(`\\| ${D} \\| seed \\| dead \\|`));
});

test('exp diff of two runs differing in one key: exactly that key, metric deltas, paired DeLong', async () => {
  const [j, t] = await Promise.all([exp(['diff', A, B, '--runs-dir', runsDir, '--json']), exp(['diff', 'aaaaaa', 'bbbbbb', '--runs-dir', runsDir])]);
  assert.equal(j.code, 0, j.stderr);
  const d = JSON.parse(j.stdout);
  assert.deepEqual(d.spec, [{ key: 'models.deep.epochs', a: 10, b: 20 }]);
  const auc = d.metrics.find((m: { model: string; metric: string }) => m.model === 'deep' && m.metric === 'test.auc');
  assert.ok(Math.abs(auc.delta - (auc.b - auc.a)) < 1e-15 && auc.delta !== 0);
  const same = d.metrics.find((m: { model: string; metric: string }) => m.model === 'shallow' && m.metric === 'test.auc');
  assert.equal(same.delta, 0);
  const deep = d.auc.find((x: { model: string }) => x.model === 'deep');
  assert.equal(deep.method, 'paired-delong');
  assert.ok(deep.se > 0 && deep.se < Math.hypot(d.metrics.find((m: { model: string; metric: string }) => m.model === 'deep' && m.metric === 'test.auc_se').a, 0.02));
  assert.equal(typeof deep.significant, 'boolean');
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /models\.deep\.epochs\s+│ 10\s+│ 20/);
  assert.doesNotMatch(t.stdout, /models\.shallow\.epochs/);
});

test('exp diff falls back to independent SEs when the test events differ', async () => {
  const r = await exp(['diff', A, C, '--runs-dir', runsDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout);
  assert.deepEqual(d.spec.map((c: { key: string }) => c.key), ['models.deep.optimizer.learning_rate']);
  const deep = d.auc.find((x: { model: string }) => x.model === 'deep');
  assert.equal(deep.method, 'independent');
  assert.match(deep.note, /different test events/);
  const ma = d.metrics.find((m: { model: string; metric: string }) => m.model === 'deep' && m.metric === 'test.auc_se');
  assert.ok(Math.abs(deep.se - Math.hypot(ma.a, ma.b)) < 1e-12);
  // the shallow model exists only in A: metrics shown with the missing side null
  const sh = d.metrics.find((m: { model: string; metric: string }) => m.model === 'shallow' && m.metric === 'test.auc');
  assert.equal(sh.b, null);
  assert.equal(sh.delta, null);
});

test('exp compare, exp show and RUN errors', async () => {
  const [cmp, cmpMd, show, amb, none, badMetric] = await Promise.all([
    exp(['compare', A, B, C, '--runs-dir', runsDir, '--json']),
    exp(['compare', 'latest~3', 'latest~2', '--runs-dir', runsDir, '--markdown', '--metric', 'test.loss']),
    exp(['show', 'latest~1', '--runs-dir', runsDir, '--json']),
    exp(['show', '20260101', '--runs-dir', runsDir]),
    exp(['show', 'nope', '--runs-dir', runsDir]),
    exp(['compare', A, B, '--runs-dir', runsDir, '--metric', 'bogus']),
  ]);
  assert.equal(cmp.code, 0, cmp.stderr);
  const c = JSON.parse(cmp.stdout);
  assert.deepEqual(c.runs, [A, B, C]);
  assert.equal(c.models.shallow[C].value, null);
  assert.ok(c.models.deep[B].value > c.models.deep[A].value - 1);
  assert.ok(c.models.deep[A].se > 0);
  assert.ok(cmpMd.stdout.startsWith(`| model \\ test.loss | ${A} | ${B} |\n| :--- | ---: | ---: |\n`), cmpMd.stdout);
  assert.equal(show.code, 0, show.stderr);
  const s = JSON.parse(show.stdout);
  assert.equal(s.id, C);
  assert.equal(s.models[0].model, 'deep');
  assert.equal(amb.code, 2);
  assert.match(amb.stderr, /ambiguous: it matches 3 runs/);
  assert.doesNotMatch(amb.stderr, /at .*\.ts:\d+/); // no stack trace
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no run matches "nope"/);
  assert.equal(badMetric.code, 2);
  assert.match(badMetric.stderr, /unknown metric "bogus"/);
});
