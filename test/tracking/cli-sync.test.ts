// Acceptance (issue 6): a run made while the MLflow server is down completes locally and records
// the tracking error; `exp sync` after the server comes up uploads everything exactly once; a
// second `exp sync` changes nothing; no credential ends up in the run directory or the output.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { resolveTrackingConfig } from '../../src/tracking/config.ts';
import { trackRunSafely } from '../../src/tracking/sync.ts';
import { EPOCH_KEYS, EVAL_METRICS_PER_MODEL, filesUnder, makeRunDir, snapshot } from './fixtures.ts';
import { startMlflowServer } from './mlflow-server.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function exp(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

test('offline run, then exp sync uploads exactly once; a second sync changes nothing; secrets stay out', async () => {
  const token = 'mlflow-token-7f3a9c21e5';
  const server = await startMlflowServer({ requireAuthorization: `Bearer ${token}` });
  const uri = server.uri;
  await server.stop(); // the server is down while the run ends
  try {
    // The spec sets timeouts only; the address and the token come from MLflow's environment variables.
    const dir = makeRunDir({ models: ['shallow', 'deep'], epochs: 10, tracking: { mlflow: { max_retry_ms: 300, timeout_ms: 2000 } } });
    const spec = JSON.parse(readFileSync(join(dir, 'spec.resolved.json'), 'utf8')) as { tracking: unknown };
    const env = { MLFLOW_TRACKING_URI: uri, MLFLOW_TRACKING_TOKEN: token, MLFLOW_EXPERIMENT_NAME: 'higgs-repro' };
    const config = resolveTrackingConfig(spec.tracking as never, env)!;
    const before = snapshot(dir);

    const offline = await trackRunSafely(dir, config);
    assert.equal(offline.ok, false);
    const after = snapshot(dir);
    for (const [f, h] of Object.entries(before)) if (f !== 'run.json') assert.equal(after[f], h, `${f} intact`);
    const rec = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { status: string; tracking: { ok: boolean; error: string } };
    assert.equal(rec.status, 'finished', 'the run itself is still finished');
    assert.equal(rec.tracking.ok, false);
    assert.match(rec.tracking.error, /connection refused/);

    // The server comes up (same address); exp sync uploads everything.
    await server.start();
    const first = await exp(['sync', dir], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /new MLflow run [0-9a-f]{32}/);
    assert.equal(server.runs.size, 1);
    const run = [...server.runs.values()][0]!;
    assert.equal(server.experiments.get(run.info.experiment_id)!.name, 'higgs-repro');
    const metricCount = 2 * 10 * EPOCH_KEYS.length + 2 * EVAL_METRICS_PER_MODEL.length;
    assert.equal(run.metrics.length, metricCount);
    assert.equal(new Set(run.metrics.map((m) => `${m.key}@${m.step}`)).size, metricCount);
    const artifacts = filesUnder(dir).filter((f) => f !== 'run.json' && f !== 'tracking.json');
    assert.equal(server.artifacts.size, artifacts.length);
    for (const n of server.artifactPuts.values()) assert.equal(n, 1);
    assert.equal(run.info.status, 'FINISHED');
    const params = run.params.size;
    assert.ok(params > 20, `${params} params`);
    assert.match(first.stdout, new RegExp(`sent ${params} params, ${metricCount} metrics, ${artifacts.length} artifacts`));
    const synced = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { tracking: { ok: boolean; mlflow_run_id: string } };
    assert.equal(synced.tracking.ok, true);
    assert.equal(synced.tracking.mlflow_run_id, run.info.run_id);

    // Second sync, by `latest` in the runs directory: nothing is written.
    const writes = server.writes().length;
    const second = await exp(['sync', '--runs-dir', dirname(dir), 'latest'], env);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already in sync, nothing sent/);
    assert.equal(server.writes().length, writes);
    assert.equal(server.runs.size, 1);
    assert.equal(run.metrics.length, metricCount);
    assert.equal(run.params.size, params);

    // The token was used for every request and written nowhere.
    assert.ok(server.log.every((l) => l.authorization === `Bearer ${token}`), 'authenticated');
    for (const f of filesUnder(dir)) assert.ok(!readFileSync(join(dir, f)).includes(token), `${f} has no token`);
    for (const out of [first.stdout, first.stderr, second.stdout, second.stderr]) assert.ok(!out.includes(token), 'output has no token');

    // Server down again: exp sync fails with exit 1, a message naming the request, and no stack trace.
    await server.stop();
    const down = await exp(['sync', dir], env);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /GET \/api\/2\.0\/mlflow\/runs\/get\?run_id=[0-9a-f]{32}: connection refused/);
    assert.doesNotMatch(down.stderr, /\n\s+at /);
    assert.ok(!down.stderr.includes(token), 'no token in the error');
  } finally {
    await server.stop();
  }
});

test('exp sync without any server configured is a usage error (exit 2) saying what to set', async () => {
  const dir = makeRunDir({ models: ['m'], epochs: 1, tracking: { mlflow: null } });
  const r = await exp(['sync', dir], { MLFLOW_TRACKING_URI: '' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no MLflow tracking server is configured/);
  assert.match(r.stderr, /MLFLOW_TRACKING_URI/);
});
