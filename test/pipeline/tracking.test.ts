// Issue 6 end to end: `exp run` while the MLflow server is down still finishes locally and records
// the tracking error; `exp sync` after the server comes up uploads everything exactly once; a second
// sync changes nothing; the token never reaches the run directory or the output.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MlflowTestServer } from '../tracking/mlflow-server.ts';
import { epochs, exp, readJson, runDirs, tempRunsDir } from './helpers.ts';

const TOKEN = 'tok-3f9a2c-do-not-leak';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('a run made while MLflow is down completes; exp sync uploads it exactly once; a second sync changes nothing', async () => {
  const server = new MlflowTestServer();
  await server.start();
  const port = server.port;
  await server.stop(); // the port is now refused

  const runsDir = tempRunsDir();
  const env = { MLFLOW_TRACKING_URI: `http://127.0.0.1:${port}`, MLFLOW_TRACKING_TOKEN: TOKEN, MLFLOW_EXPERIMENT_NAME: 'higgs' };
  const args = ['run', 'experiments/shallow.yaml', '--set', 'data.events=3000', '--set', 'split.test_fraction=0.5', '--set', 'models.shallow.epochs=2',
    '--set', 'tracking.mlflow.max_retry_ms=300', '--set', 'tracking.mlflow.timeout_ms=1000', '--runs-dir', runsDir];
  const r = await exp(args, env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /tracking failed/);
  const [dir] = runDirs(runsDir);
  const run = readJson(join(dir!, 'run.json'));
  assert.equal(run.status, 'finished');
  assert.equal(run.tracking.ok, false);
  assert.ok(run.tracking.error, 'the tracking error is recorded');
  assert.equal(epochs(dir!, 'shallow').length, 2);

  await server.start(port);
  try {
    const s1 = await exp(['sync', dir!], env);
    assert.equal(s1.code, 0, s1.stderr);
    assert.equal(server.runs.size, 1);
    const [mlrun] = [...server.runs.values()];
    assert.equal(mlrun!.info.status, 'FINISHED');
    assert.equal(mlrun!.params.get('models.shallow.batch_size'), '100');
    assert.equal(mlrun!.params.get('data.events'), '3000');
    // every per-epoch metric, step = epoch
    const logged = epochs(dir!, 'shallow');
    for (const e of logged) {
      const loss = mlrun!.metrics.filter((m) => m.key === 'shallow.loss' && m.step === e.epoch);
      assert.equal(loss.length, 1, `shallow.loss at epoch ${e.epoch} logged once`);
      assert.ok(Math.abs(loss[0]!.value - e.loss) < 1e-9);
    }
    const auc = readJson(join(dir!, 'models/shallow/evaluation.json')).auc;
    const aucMetric = mlrun!.metrics.filter((m) => /shallow\.test_auc$/.test(m.key));
    assert.equal(aucMetric.length, 1);
    assert.ok(Math.abs(aucMetric[0]!.value - auc) < 1e-9);
    assert.ok([...server.artifacts.keys()].some((k) => k.endsWith('report.html')), 'report uploaded');
    assert.ok([...server.artifacts.keys()].some((k) => k.endsWith('models/shallow/model/weights.bin')), 'model uploaded');

    const snapshot = () => ({
      runs: server.runs.size,
      metrics: mlrun!.metrics.length,
      params: mlrun!.params.size,
      puts: [...server.artifactPuts.values()].reduce((a, b) => a + b, 0),
    });
    const before = snapshot();
    const s2 = await exp(['sync', dir!], env);
    assert.equal(s2.code, 0, s2.stderr);
    assert.deepEqual(snapshot(), before);

    for (const f of filesUnder(dir!)) assert.ok(!readFileSync(f).includes(TOKEN), `${f} holds the token`);
    for (const out of [r.stdout, r.stderr, s1.stdout, s1.stderr, s2.stdout, s2.stderr]) assert.ok(!out.includes(TOKEN));
    assert.ok(server.log.some((l) => l.authorization === `Bearer ${TOKEN}`), 'the token was sent to the server');
  } finally {
    await server.stop();
  }
});
