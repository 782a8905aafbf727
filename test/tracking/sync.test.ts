// syncRun / trackRunSafely against the in-memory MLflow server: everything arrives exactly once,
// a second sync sends nothing, an interrupted sync resumes without duplicates, and a tracking
// failure never touches the run's data.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { resolveTrackingConfig, type TrackingConfig } from '../../src/tracking/config.ts';
import { syncRun, trackRunSafely } from '../../src/tracking/sync.ts';
import { closedPort, type MlflowTestServer, startMlflowServer, type StoredRun } from './mlflow-server.ts';
import { EPOCH_KEYS, EVAL_METRICS_PER_MODEL, filesUnder, makeRunDir, snapshot } from './fixtures.ts';

let server: MlflowTestServer;
before(async () => {
  server = await startMlflowServer();
});
after(async () => {
  await server.stop();
});

function cfg(uri: string, over: Partial<TrackingConfig> = {}, env: NodeJS.ProcessEnv = {}): TrackingConfig {
  const c = resolveTrackingConfig(undefined, { MLFLOW_TRACKING_URI: uri, ...env })!;
  return { ...c, timeoutMs: 2_000, maxRetryMs: 300, retryBaseMs: 10, ...over };
}

/** The spec's leaves as dotted keys, written independently of src/tracking (list items by index). */
function expectedParams(spec: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v) && v.length > 0) v.forEach((x, i) => walk(x, `${path}.${i}`));
    else if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0)
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    else out.set(path, typeof v === 'string' ? v : JSON.stringify(v));
  };
  const { tracking: _t, ...rest } = spec;
  walk(rest, '');
  return out;
}

function runOf(id: string): StoredRun {
  const r = server.runs.get(id);
  assert.ok(r, `run ${id} on the server`);
  return r;
}

function metricKeysSteps(r: StoredRun): string[] {
  return r.metrics.map((m) => `${m.key}@${m.step}`);
}

function readRunJson(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
}

test('a finished run arrives complete: tags, params, every epoch metric, evaluation, artifacts, status', async () => {
  const dir = makeRunDir({ models: ['shallow', 'deep'], epochs: 10 });
  const run = readRunJson(dir);
  const spec = JSON.parse(readFileSync(join(dir, 'spec.resolved.json'), 'utf8')) as Record<string, unknown>;
  const res = await syncRun(dir, cfg(server.uri));
  assert.equal(res.created, true);
  const r = runOf(res.mlflowRunId);

  // Experiment: named after the spec, created.
  assert.equal(server.experiments.get(res.experimentId)!.name, 'seed');
  // Standard tags.
  assert.equal(r.tags.get('mlflow.runName'), run.id);
  assert.equal(r.tags.get('mlflow.source.name'), 'exp run experiments/seed.yaml');
  assert.equal(r.tags.get('mlflow.source.git.commit'), 'a'.repeat(40));
  assert.ok((r.tags.get('mlflow.user') ?? '') !== '', 'mlflow.user set');
  assert.equal(r.tags.get('exp.run_id'), run.id);
  // Params: exactly the spec's leaves, the tracking block left out.
  const want = expectedParams(spec);
  assert.deepEqual(new Map(r.params), want);
  assert.ok(![...r.params.keys()].some((k) => k.startsWith('tracking')), 'no tracking params');
  // Metrics: 2 models x 10 epochs x 8 keys, then the evaluation; each (key, step) once.
  const keys = metricKeysSteps(r);
  assert.equal(keys.length, 2 * 10 * EPOCH_KEYS.length + 2 * EVAL_METRICS_PER_MODEL.length);
  assert.equal(new Set(keys).size, keys.length);
  for (const m of ['shallow', 'deep']) {
    for (const k of EPOCH_KEYS) for (let e = 1; e <= 10; e++) assert.ok(keys.includes(`${m}.${k}@${e}`), `${m}.${k}@${e}`);
    for (const k of EVAL_METRICS_PER_MODEL) assert.ok(keys.includes(`${m}.${k}@10`), `${m}.${k}@10`);
  }
  const valAuc3 = r.metrics.find((m) => m.key === 'deep.val_auc' && m.step === 3)!;
  assert.ok(Math.abs(valAuc3.value - 0.68) < 1e-12, 'value as in metrics.jsonl');
  // Timestamps: run start plus the cumulative epoch seconds (2.5 s per epoch in the fixture).
  assert.equal(valAuc3.timestamp, Date.parse('2026-12-03T10:15:00.000Z') + 3 * 2500);
  assert.equal(r.metrics.find((m) => m.key === 'deep.test_auc')!.value, 0.8 + 1 * 0.02); // as the fixture computes it (model index 1)
  assert.equal(r.metrics.find((m) => m.key === 'shallow.test_sig_eff_at_bkg_0.01')!.value, 0.1);
  // Artifacts: every file but run.json / tracking.json, byte for byte, under the run's artifact path.
  const expected = filesUnder(dir).filter((f) => f !== 'run.json' && f !== 'tracking.json');
  const prefix = `${res.experimentId}/${res.mlflowRunId}/artifacts/`;
  const stored = [...server.artifacts.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).sort();
  assert.deepEqual(stored, expected);
  for (const f of expected) assert.deepEqual(server.artifacts.get(prefix + f), readFileSync(join(dir, f)), f);
  // Status mirrored with the local end time.
  assert.equal(r.info.status, 'FINISHED');
  assert.equal(r.info.end_time, Date.parse('2026-12-03T10:25:00.000Z'));
  assert.equal(r.info.start_time, Date.parse('2026-12-03T10:15:00.000Z'));
  assert.deepEqual(res.sent, { params: want.size, metrics: keys.length, artifacts: expected.length, artifactBytes: res.sent.artifactBytes, status: 'FINISHED' });

  // A second sync reuses the run and changes nothing on the server.
  const writes = server.writes().length;
  const runsBefore = server.runs.size;
  const again = await syncRun(dir, cfg(server.uri));
  assert.equal(again.mlflowRunId, res.mlflowRunId);
  assert.equal(again.created, false);
  assert.deepEqual(again.sent, { params: 0, metrics: 0, artifacts: 0, artifactBytes: 0 });
  assert.equal(server.writes().length, writes, 'no write request');
  assert.equal(server.runs.size, runsBefore);
});

test('a sync that fails part-way resumes without sending anything twice', async () => {
  // 300 epochs x 8 metrics = 2400 metrics per model: three log-batch requests each.
  const dir = makeRunDir({ models: ['a', 'b'], epochs: 300 });
  const c = cfg(server.uri, { maxRetryMs: 100 });
  // 1st attempt: params and the first metrics request get through, then the server fails.
  server.fault({ match: /log-batch/, skip: 2, status: 503, times: Infinity });
  await assert.rejects(syncRun(dir, c), /HTTP 503/);
  server.clearFaults();
  const state1 = JSON.parse(readFileSync(join(dir, 'tracking.json'), 'utf8')) as { servers: Record<string, { run_id: string; metric_epochs: Record<string, number> }> };
  const st1 = state1.servers[server.uri]!;
  assert.ok((st1.metric_epochs.a ?? 0) > 0 && (st1.metric_epochs.a ?? 0) < 300, `part of model a recorded (${st1.metric_epochs.a})`);
  // 2nd attempt: fails in the artifacts after three uploads (the connection is dropped).
  server.fault({ match: /PUT \/api\/2\.0\/mlflow-artifacts/, skip: 3, destroy: true, times: Infinity });
  await assert.rejects(syncRun(dir, c));
  server.clearFaults();
  // 3rd attempt completes.
  const res = await syncRun(dir, c);
  assert.equal(res.mlflowRunId, st1.run_id, 'the same MLflow run throughout');
  const r = runOf(res.mlflowRunId);
  const keys = metricKeysSteps(r);
  assert.equal(keys.length, 2 * 300 * EPOCH_KEYS.length + 2 * EVAL_METRICS_PER_MODEL.length);
  assert.equal(new Set(keys).size, keys.length, 'no metric twice');
  const prefix = `${res.experimentId}/${res.mlflowRunId}/artifacts/`;
  const expected = filesUnder(dir).filter((f) => f !== 'run.json' && f !== 'tracking.json');
  for (const f of expected) assert.equal(server.artifactPuts.get(prefix + f), 1, `${f} uploaded once`);
  assert.equal(r.info.status, 'FINISHED');
  assert.equal([...server.runs.values()].filter((x) => x.tags.get('exp.run_id') === readRunJson(dir).id).length, 1);
});

test('runs/create whose answer is lost: the retry finds the run by tag instead of making a second one', async () => {
  const dir = makeRunDir({ models: ['m'], epochs: 2 });
  server.fault({ match: /runs\/create/, loseAnswer: true });
  const res = await syncRun(dir, cfg(server.uri, { maxRetryMs: 3_000 }));
  const id = readRunJson(dir).id;
  const mine = [...server.runs.values()].filter((x) => x.tags.get('exp.run_id') === id);
  assert.equal(mine.length, 1, 'one MLflow run');
  assert.equal(mine[0]!.info.run_id, res.mlflowRunId);
  assert.equal(server.log.filter((l) => l.path.endsWith('/runs/create') && l.status === -2).length, 1, 'the fault was hit');
});

test('tracking.json lost: the run is found by its exp.run_id tag and metrics are not appended again', async () => {
  const dir = makeRunDir({ models: ['m1', 'm2'], epochs: 5 });
  const first = await syncRun(dir, cfg(server.uri));
  const before = runOf(first.mlflowRunId).metrics.length;
  rmSync(join(dir, 'tracking.json'));
  const second = await syncRun(dir, cfg(server.uri));
  assert.equal(second.mlflowRunId, first.mlflowRunId);
  assert.equal(second.created, false);
  assert.equal(second.sent.metrics, 0);
  assert.equal(second.sent.params, 0);
  assert.equal(runOf(first.mlflowRunId).metrics.length, before);
});

test('a run deleted on the server is uploaded again to a new run, with a warning', async () => {
  const dir = makeRunDir({ models: ['m'], epochs: 2 });
  const first = await syncRun(dir, cfg(server.uri));
  server.runs.delete(first.mlflowRunId);
  const second = await syncRun(dir, cfg(server.uri));
  assert.notEqual(second.mlflowRunId, first.mlflowRunId);
  assert.ok(second.warnings.some((w) => w.includes(first.mlflowRunId)), 'warned');
  assert.equal(runOf(second.mlflowRunId).metrics.length, 2 * EPOCH_KEYS.length + EVAL_METRICS_PER_MODEL.length);
});

test('a param value over the limit is shortened and named in a tag', async () => {
  const dir = makeRunDir({ models: ['m'], epochs: 1, longDescription: 7000 });
  const res = await syncRun(dir, cfg(server.uri));
  const r = runOf(res.mlflowRunId);
  assert.equal(r.params.get('description')!.length, 6000);
  assert.equal(r.tags.get('exp.params_shortened'), 'description');
});

test('an MLflow 1.x server (500-character params) makes the sync shorten to the limit it names', async () => {
  const old = await startMlflowServer({ paramValueLimit: 500 });
  try {
    const dir = makeRunDir({ models: ['m'], epochs: 1, longDescription: 1000 });
    const res = await syncRun(dir, cfg(old.uri));
    const r = old.runs.get(res.mlflowRunId)!;
    assert.equal(r.params.get('description')!.length, 500);
    assert.equal(r.tags.get('exp.params_shortened'), 'description');
    assert.ok(res.warnings.some((w) => /500 characters/.test(w)), 'warned about the limit');
  } finally {
    await old.stop();
  }
});

test('local status is mirrored: interrupted -> KILLED, failed -> FAILED', async () => {
  for (const [local, remote] of [
    ['interrupted', 'KILLED'],
    ['failed', 'FAILED'],
  ] as const) {
    const dir = makeRunDir({ models: ['m'], epochs: 2, status: local });
    const res = await syncRun(dir, cfg(server.uri));
    assert.equal(runOf(res.mlflowRunId).info.status, remote);
  }
});

test('artifacts on a store the server does not proxy: everything else is synced, with a warning', async () => {
  const s3 = await startMlflowServer({ artifactRoot: 's3://bucket/mlflow' });
  try {
    const dir = makeRunDir({ models: ['m'], epochs: 2 });
    const res = await syncRun(dir, cfg(s3.uri));
    assert.equal(s3.artifacts.size, 0);
    assert.ok(res.warnings.some((w) => /s3:\/\/bucket/.test(w) && /--serve-artifacts/.test(w)), res.warnings.join('\n'));
    assert.equal(s3.runs.get(res.mlflowRunId)!.info.status, 'FINISHED');
  } finally {
    await s3.stop();
  }
});

test('trackRunSafely with the server down: never throws, run data untouched, error recorded in run.json', async () => {
  const dir = makeRunDir({ models: ['m'], epochs: 3 });
  const before = snapshot(dir);
  const runBefore = readRunJson(dir);
  const token = 'secret-token-0123456789';
  const port = await closedPort();
  const t0 = performance.now();
  const out = await trackRunSafely(dir, cfg(`http://127.0.0.1:${port}`, { maxRetryMs: 200 }, { MLFLOW_TRACKING_TOKEN: token }));
  assert.ok(performance.now() - t0 < 3_000, 'bounded');
  assert.equal(out.ok, false);
  assert.match(out.error!, /connection refused/);
  const after = snapshot(dir);
  for (const [f, h] of Object.entries(before)) if (f !== 'run.json') assert.equal(after[f], h, `${f} unchanged`);
  const run = readRunJson(dir);
  const { tracking, ...rest } = run;
  assert.deepEqual(rest, runBefore, 'run.json keeps every other field');
  const t = tracking as { ok: boolean; error: string; server: string };
  assert.equal(t.ok, false);
  assert.match(t.error, /connection refused/);
  assert.equal(t.server, `http://127.0.0.1:${port}`);
  for (const f of Object.keys(after)) assert.ok(!readFileSync(join(dir, f)).includes(token), `${f} has no token`);
  // Not a run directory at all: still no throw.
  const none = await trackRunSafely(join(dir, 'nope'), cfg(server.uri));
  assert.equal(none.ok, false);
  assert.ok(!existsSync(join(dir, 'nope')), 'nothing created');
});

test('trackRunSafely on success records the MLflow run in run.json and keeps secrets out of the run directory', async () => {
  const token = 'tok-abcdef-987654321';
  const guarded = await startMlflowServer({ requireAuthorization: `Bearer ${token}` });
  try {
    const dir = makeRunDir({ models: ['m'], epochs: 2 });
    const out = await trackRunSafely(dir, cfg(guarded.uri, {}, { MLFLOW_TRACKING_TOKEN: token }));
    assert.equal(out.ok, true, out.error);
    const t = readRunJson(dir).tracking as { ok: boolean; mlflow_run_id: string; url: string };
    assert.equal(t.ok, true);
    assert.equal(t.mlflow_run_id, out.result!.mlflowRunId);
    assert.ok(guarded.log.every((l) => l.authorization === `Bearer ${token}`), 'every request authenticated');
    for (const f of filesUnder(dir)) assert.ok(!readFileSync(join(dir, f)).includes(token), `${f} has no token`);
  } finally {
    await guarded.stop();
  }
});

test('two syncs of one run at the same time: the second is refused, nothing is duplicated; a stale lock is taken over', async () => {
  const dir = makeRunDir({ models: ['m'], epochs: 3 });
  server.fault({ match: /log-batch/, delayMs: 300 });
  const results = await Promise.allSettled([syncRun(dir, cfg(server.uri)), new Promise((r) => setTimeout(r, 50)).then(() => syncRun(dir, cfg(server.uri)))]);
  assert.equal(results[0].status, 'fulfilled');
  assert.equal(results[1].status, 'rejected');
  assert.match(String((results[1] as PromiseRejectedResult).reason), /another sync of this run is in progress/);
  const id = (results[0] as PromiseFulfilledResult<{ mlflowRunId: string }>).value.mlflowRunId;
  assert.equal(runOf(id).metrics.length, 3 * EPOCH_KEYS.length + EVAL_METRICS_PER_MODEL.length);
  assert.ok(!existsSync(join(dir, '.tracking.lock')), 'lock released');
  // A lock left by a process that no longer exists does not block.
  const dead = makeRunDir({ models: ['m'], epochs: 1 });
  writeFileSync(join(dead, '.tracking.lock'), '2147483646');
  const res = await syncRun(dead, cfg(server.uri));
  assert.equal(runOf(res.mlflowRunId).info.status, 'FINISHED');
});

test('run name: tracking.mlflow.run_name, else a spec mlflow.runName tag; never two different names', async () => {
  const dir = makeRunDir({ models: ['m'], epochs: 1 });
  const a = await syncRun(dir, cfg(server.uri, { runName: 'deep-5x300', tags: { 'mlflow.runName': 'other' } }));
  assert.equal(runOf(a.mlflowRunId).info.run_name, 'deep-5x300');
  assert.equal(runOf(a.mlflowRunId).tags.get('mlflow.runName'), 'deep-5x300');
  const dir2 = makeRunDir({ models: ['m'], epochs: 1 });
  const b = await syncRun(dir2, cfg(server.uri, { tags: { 'mlflow.runName': 'from-tag' } }));
  assert.equal(runOf(b.mlflowRunId).info.run_name, 'from-tag');
});
