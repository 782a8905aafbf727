// The MLflow client against a real HTTP server on 127.0.0.1 (test/tracking/mlflow-server.ts),
// including the faults the issue names: refused connection, 503 then success, a response slower
// than the timeout, and a 400 error surfaced with the request that caused it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ExpError } from '../../src/errors.ts';
import { MlflowClient, MlflowError, resolveArtifactTarget } from '../../src/tracking/client.ts';
import { resolveTrackingConfig, type TrackingConfig } from '../../src/tracking/config.ts';
import { closedPort, type MlflowTestServer, startMlflowServer } from './mlflow-server.ts';

let server: MlflowTestServer;
before(async () => {
  server = await startMlflowServer();
});
after(async () => {
  await server.stop();
});

function cfg(uri: string, over: Partial<TrackingConfig> = {}, env: NodeJS.ProcessEnv = {}): TrackingConfig {
  const c = resolveTrackingConfig(undefined, { MLFLOW_TRACKING_URI: uri, ...env })!;
  return { ...c, timeoutMs: 2_000, maxRetryMs: 2_000, retryBaseMs: 20, ...over };
}

async function withClient<T>(c: TrackingConfig, fn: (client: MlflowClient) => Promise<T>): Promise<T> {
  const client = new MlflowClient(c);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

test('experiment get-or-create: created once, then found by name', async () => {
  await withClient(cfg(server.uri), async (client) => {
    assert.equal(await client.getExperimentByName('client-exp'), null);
    const id = await client.getOrCreateExperiment('client-exp');
    assert.equal(await client.getOrCreateExperiment('client-exp'), id);
    assert.equal([...server.experiments.values()].filter((e) => e.name === 'client-exp').length, 1);
  });
});

test('a duplicate experiment surfaces RESOURCE_ALREADY_EXISTS with method and path', async () => {
  await withClient(cfg(server.uri), async (client) => {
    await client.createExperiment('dup-exp');
    await assert.rejects(client.createExperiment('dup-exp'), (e: unknown) => {
      assert.ok(e instanceof MlflowError, 'e instanceof MlflowError');
      assert.equal(e.kind, 'tracking');
      assert.equal(e.errorCode, 'RESOURCE_ALREADY_EXISTS');
      assert.equal(e.status, 400);
      assert.match(e.message, /POST \/api\/2\.0\/mlflow\/experiments\/create/);
      assert.match(e.message, /Experiment 'dup-exp' already exists/);
      return true;
    });
  });
});

test('an unknown run is RESOURCE_DOES_NOT_EXIST: getRun says null, update names the request', async () => {
  await withClient(cfg(server.uri), async (client) => {
    assert.equal(await client.getRun('0123456789abcdef0123456789abcdef'), null);
    await assert.rejects(client.updateRun({ runId: 'nope', status: 'FINISHED' }), (e: unknown) => e instanceof MlflowError && e.errorCode === 'RESOURCE_DOES_NOT_EXIST' && /runs\/update/.test(e.message));
  });
});

test('set-tag overwrites a tag; an unknown run is RESOURCE_DOES_NOT_EXIST naming set-tag', async () => {
  await withClient(cfg(server.uri), async (client) => {
    const run = await client.createRun({ experimentId: '0', tags: [{ key: 'stage', value: 'a' }] });
    await client.setTag(run.info.run_id, 'stage', 'b');
    assert.equal(server.runs.get(run.info.run_id)!.tags.get('stage'), 'b');
    const got = await client.getRun(run.info.run_id);
    assert.deepEqual(got!.data.tags!.find((t) => t.key === 'stage'), { key: 'stage', value: 'b' });
    await assert.rejects(client.setTag('f'.repeat(32), 'stage', 'c'), (e: unknown) => e instanceof MlflowError && e.errorCode === 'RESOURCE_DOES_NOT_EXIST' && e.path === '/api/2.0/mlflow/runs/set-tag');
  });
});

test('a 400 (changing a logged param) is surfaced with the request and not retried', async () => {
  await withClient(cfg(server.uri), async (client) => {
    const run = await client.createRun({ experimentId: '0', runName: 'p' });
    const runId = run.info.run_id;
    await client.logBatch(runId, { metrics: [], params: [{ key: 'lr', value: '0.001' }], tags: [] });
    // Logging the same value again is allowed (MLflow: params are idempotent).
    await client.logBatch(runId, { metrics: [], params: [{ key: 'lr', value: '0.001' }], tags: [] });
    const before = client.requests;
    await assert.rejects(client.logBatch(runId, { metrics: [], params: [{ key: 'lr', value: '0.01' }], tags: [] }), (e: unknown) => {
      assert.ok(e instanceof MlflowError, 'e instanceof MlflowError');
      assert.equal(e.method, 'POST');
      assert.equal(e.path, '/api/2.0/mlflow/runs/log-batch');
      assert.equal(e.errorCode, 'INVALID_PARAMETER_VALUE');
      assert.match(e.message, /Changing param values is not allowed/);
      return true;
    });
    assert.equal(client.requests - before, 1, 'a 400 is not retried');
    assert.equal(server.runs.get(runId)!.params.get('lr'), '0.001');
  });
});

test('503 then success: retried, and the data arrives once', async () => {
  await withClient(cfg(server.uri), async (client) => {
    const run = await client.createRun({ experimentId: '0' });
    server.fault({ match: /log-batch/, status: 503, times: 2 });
    const before = client.requests;
    await client.logBatch(run.info.run_id, { metrics: [{ key: 'loss', value: 0.5, timestamp: 1, step: 1 }], params: [], tags: [] });
    assert.equal(client.requests - before, 3);
    assert.equal(server.runs.get(run.info.run_id)!.metrics.length, 1);
  });
});

test('429 honours Retry-After and then succeeds', async () => {
  await withClient(cfg(server.uri), async (client) => {
    server.fault({ match: /get-by-name/, status: 429, errorCode: 'REQUEST_LIMIT_EXCEEDED', retryAfter: '0.3' });
    const t0 = performance.now();
    assert.equal((await client.getExperimentByName('Default'))!.experiment_id, '0');
    assert.ok(performance.now() - t0 >= 280, 'waited for Retry-After');
  });
});

test('persistent 5xx: gives up within the retry budget, naming the request and the attempts', async () => {
  await withClient(cfg(server.uri, { maxRetryMs: 400 }), async (client) => {
    server.fault({ match: /get-by-name/, status: 500, errorCode: 'INTERNAL_ERROR', times: 1000 });
    const t0 = performance.now();
    await assert.rejects(client.getExperimentByName('x'), (e: unknown) => {
      assert.ok(e instanceof ExpError && e.kind === 'tracking', 'e instanceof ExpError && e.kind === "tracking"');
      assert.match(e.message, /GET \/api\/2\.0\/mlflow\/experiments\/get-by-name\?experiment_name=x failed: HTTP 500 INTERNAL_ERROR/);
      assert.match(e.message, /gave up after \d+ attempts/);
      return true;
    });
    const elapsed = performance.now() - t0;
    assert.ok(elapsed < 1500, `bounded by max_retry_ms (took ${elapsed} ms)`);
    server.clearFaults();
  });
});

test('refused connection: retried with backoff within the budget, then a tracking error with a hint', async () => {
  const port = await closedPort();
  await withClient(cfg(`http://127.0.0.1:${port}`, { maxRetryMs: 300 }), async (client) => {
    const t0 = performance.now();
    await assert.rejects(client.getExperimentByName('x'), (e: unknown) => {
      assert.ok(e instanceof ExpError && e.kind === 'tracking', 'e instanceof ExpError && e.kind === "tracking"');
      assert.match(e.message, /connection refused/);
      assert.match(e.message, /exp sync/);
      return true;
    });
    assert.ok(client.requests > 1, 'retried');
    assert.ok(performance.now() - t0 < 1500, 'performance.now() - t0 < 1500');
  });
});

test('max_retry_ms 0: a single attempt', async () => {
  const port = await closedPort();
  await withClient(cfg(`http://127.0.0.1:${port}`, { maxRetryMs: 0 }), async (client) => {
    await assert.rejects(client.getExperimentByName('x'));
    assert.equal(client.requests, 1);
  });
});

test('a response slower than the timeout fails as a timeout; a retry that is fast succeeds', async () => {
  await withClient(cfg(server.uri, { timeoutMs: 200, maxRetryMs: 0 }), async (client) => {
    server.fault({ match: /get-by-name/, delayMs: 600 });
    const t0 = performance.now();
    await assert.rejects(client.getExperimentByName('Default'), (e: unknown) => e instanceof ExpError && /no answer within 200 ms/.test(e.message) && /timeout_ms/.test(e.message));
    assert.ok(performance.now() - t0 < 550, 'did not wait for the slow answer');
  });
  await withClient(cfg(server.uri, { timeoutMs: 200, maxRetryMs: 2_000 }), async (client) => {
    server.fault({ match: /get-by-name/, delayMs: 600 });
    assert.equal((await client.getExperimentByName('Default'))!.name, 'Default');
    assert.equal(client.requests, 2);
  });
});

test('a dropped connection (no answer at all) is retried', async () => {
  await withClient(cfg(server.uri), async (client) => {
    server.fault({ match: /runs\/get/, destroy: true });
    const run = await client.createRun({ experimentId: '0' });
    assert.equal((await client.getRun(run.info.run_id))!.info.run_id, run.info.run_id);
  });
});

test('log-batch splits large sets into requests the server accepts', async () => {
  await withClient(cfg(server.uri), async (client) => {
    const run = await client.createRun({ experimentId: '0' });
    const metrics = Array.from({ length: 2345 }, (_, i) => ({ key: `m${i % 5}`, value: i / 10, timestamp: 1_700_000_000_000 + i, step: i }));
    const params = Array.from({ length: 230 }, (_, i) => ({ key: `p${i}`, value: `v${i}` }));
    const tags = Array.from({ length: 120 }, (_, i) => ({ key: `t${i}`, value: `w${i}` }));
    const seen = server.log.length;
    const n = await client.logBatch(run.info.run_id, { metrics, params, tags });
    const stored = server.runs.get(run.info.run_id)!;
    assert.deepEqual(stored.metrics, metrics);
    assert.equal(stored.params.size, 230);
    assert.equal(stored.tags.size, 120);
    assert.ok(n >= 3, `${n} requests`);
    const answers = server.log.slice(seen).map((r) => r.status);
    assert.deepEqual(answers, Array(n).fill(200));
  });
});

test('the server enforces the batch limits the client respects (the test server is not lax)', async () => {
  const res = await fetch(`${server.uri}/api/2.0/mlflow/runs/log-batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ run_id: [...server.runs.keys()][0], params: Array.from({ length: 101 }, (_, i) => ({ key: `q${i}`, value: 'v' })) }),
  });
  assert.equal(res.status, 400);
  const body = (await res.json()) as { error_code: string; message: string };
  assert.equal(body.error_code, 'INVALID_PARAMETER_VALUE');
  assert.match(body.message, /at most 100 params/);
});

test('artifact upload through the proxy stores the exact bytes under the run artifact path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exp-art-'));
  const file = join(dir, 'weights.bin');
  const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
  writeFileSync(file, bytes);
  await withClient(cfg(server.uri), async (client) => {
    const run = await client.createRun({ experimentId: '0' });
    server.fault({ match: /PUT \/api\/2\.0\/mlflow-artifacts/, status: 503 });
    await client.uploadArtifact(run.info.artifact_uri!, 'models/deep/model/weights bin.bin', file);
    const key = `0/${run.info.run_id}/artifacts/models/deep/model/weights bin.bin`;
    assert.deepEqual(server.artifacts.get(key), bytes, 'retried upload sent the whole file again');
  });
});

test('bearer token reaches the server; a 401 is not retried and names what to check', async () => {
  const guarded = await startMlflowServer({ requireAuthorization: 'Bearer right-token' });
  try {
    await withClient(cfg(guarded.uri, {}, { MLFLOW_TRACKING_TOKEN: 'right-token' }), async (client) => {
      assert.equal((await client.getExperimentByName('Default'))!.experiment_id, '0');
    });
    await withClient(cfg(guarded.uri, {}, { MLFLOW_TRACKING_TOKEN: 'wrong-token' }), async (client) => {
      await assert.rejects(client.getExperimentByName('Default'), (e: unknown) => e instanceof MlflowError && e.status === 401 && /MLFLOW_TRACKING_TOKEN/.test(e.message) && !e.message.includes('wrong-token'));
      assert.equal(client.requests, 1);
    });
  } finally {
    await guarded.stop();
  }
});

test('resolveArtifactTarget follows MLflow’s mlflow-artifacts URI resolution', () => {
  assert.deepEqual(resolveArtifactTarget('mlflow-artifacts:/3/abc/artifacts', 'http://h:5000'), { origin: 'http://h:5000', path: '/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts' });
  assert.deepEqual(resolveArtifactTarget('mlflow-artifacts:/3/abc/artifacts', 'https://h/mlflow'), { origin: 'https://h', path: '/mlflow/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts' });
  assert.deepEqual(resolveArtifactTarget('mlflow-artifacts://art:6000/3/abc/artifacts', 'http://h:5000'), { origin: 'http://art:6000', path: '/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts' });
  assert.deepEqual(resolveArtifactTarget('http://files:8080/store/3/abc/artifacts/', 'http://h:5000'), { origin: 'http://files:8080', path: '/store/3/abc/artifacts' });
  assert.equal(resolveArtifactTarget('s3://bucket/3/abc/artifacts', 'http://h:5000'), null);
  assert.equal(resolveArtifactTarget('/var/mlruns/3/abc/artifacts', 'http://h:5000'), null);
});

test('HTTPS with a self-signed certificate: refused by default, accepted with MLFLOW_TRACKING_INSECURE_TLS or the CA file', async () => {
  const tlsDir = join(import.meta.dirname, 'tls');
  const secure = await startMlflowServer({ tls: { key: readFileSync(join(tlsDir, 'key.pem'), 'utf8'), cert: readFileSync(join(tlsDir, 'cert.pem'), 'utf8') } });
  try {
    assert.match(secure.uri, /^https:/);
    await withClient(cfg(secure.uri), async (client) => {
      await assert.rejects(client.getExperimentByName('Default'), (e: unknown) => e instanceof ExpError && /MLFLOW_TRACKING_INSECURE_TLS/.test(e.message));
      assert.equal(client.requests, 1, 'a certificate error is not retried');
    });
    await withClient(cfg(secure.uri, {}, { MLFLOW_TRACKING_INSECURE_TLS: 'true' }), async (client) => {
      assert.equal((await client.getExperimentByName('Default'))!.experiment_id, '0');
    });
    await withClient(cfg(secure.uri, {}, { MLFLOW_TRACKING_SERVER_CERT_PATH: join(tlsDir, 'cert.pem') }), async (client) => {
      assert.equal((await client.getExperimentByName('Default'))!.experiment_id, '0');
    });
  } finally {
    await secure.stop();
  }
});
