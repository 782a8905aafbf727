// The sync reads what src/runs actually writes: a run directory made with the RUNS helper's
// createRun / appendEpoch / writeEvaluation / finish, evaluated with src/evaluate on real scores.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { evaluateScores } from '../../src/evaluate/evaluate.ts';
import { createRun } from '../../src/runs/run.ts';
import { resolveTrackingConfig } from '../../src/tracking/config.ts';
import { syncRun } from '../../src/tracking/sync.ts';
import { Rng } from '../../src/util/rng.ts';
import { type MlflowTestServer, startMlflowServer } from './mlflow-server.ts';

let server: MlflowTestServer;
before(async () => {
  server = await startMlflowServer();
});
after(async () => {
  await server.stop();
});

test('a run directory written by src/runs syncs with its real evaluation and status', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'exp-runs-'));
  const spec = { name: 'layout', seed: 7, models: { deep: { layers: [{ units: 8 }], epochs: 3 } }, tracking: { mlflow: null } };
  const h = createRun({ runsDir, name: 'layout', specText: 'name: layout\n', resolvedSpec: spec, meta: { seed: 7, models: ['deep'], data: { fingerprint: { source: 'higgs-sim', events: 400 } }, command: ['/usr/bin/node', '/x/src/cli/main.ts', 'run', 'layout.yaml'], tfjs: null } });
  for (let e = 1; e <= 3; e++) h.appendEpoch('deep', { epoch: e, loss: 0.7 / e, val_auc: 0.6 + e / 100, seconds: 1.5 });
  const rng = new Rng(7);
  const n = 400;
  const labels = new Float32Array(n);
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    scores[i] = Math.min(1, Math.max(0, 0.5 + (labels[i]! - 0.5) * 0.3 + 0.2 * rng.normal()));
  }
  const ev = evaluateScores({ test: { scores, labels } });
  h.writeEvaluation('deep', ev);
  h.savePredictions('deep', scores, labels);
  h.finish('finished');

  const config = { ...resolveTrackingConfig(undefined, { MLFLOW_TRACKING_URI: server.uri })!, maxRetryMs: 0 };
  const res = await syncRun(h.dir, config);
  const r = server.runs.get(res.mlflowRunId)!;
  const metric = (k: string) => r.metrics.filter((m) => m.key === k);
  assert.equal(metric('deep.val_auc').length, 3);
  assert.deepEqual(metric('deep.loss').map((m) => m.step), [1, 2, 3]);
  assert.equal(metric('deep.test_auc')[0]!.value, ev.auc);
  assert.equal(metric('deep.test_auc')[0]!.step, 3);
  assert.equal(metric('deep.test_auc_se')[0]!.value, ev.auc_se);
  for (const wp of ev.working_points) {
    if (wp.signal_efficiency !== null) assert.equal(metric(`deep.test_sig_eff_at_bkg_${wp.background_efficiency}`)[0]!.value, wp.signal_efficiency);
  }
  assert.equal(r.info.status, 'FINISHED');
  assert.equal(r.tags.get('mlflow.source.name'), 'exp run layout.yaml');
  assert.equal(r.tags.get('exp.data.fingerprint'), '{"source":"higgs-sim","events":400}');
  assert.equal(r.params.get('models.deep.layers.0.units'), '8');
  const prefix = `${res.experimentId}/${res.mlflowRunId}/artifacts/`;
  for (const f of ['spec.yaml', 'spec.resolved.json', 'evaluation.json', 'models/deep/metrics.jsonl', 'models/deep/metrics.csv', 'models/deep/predictions.bin', 'models/deep/evaluation.json']) {
    assert.ok(server.artifacts.has(prefix + f), `${f} uploaded`);
  }
  assert.ok(!server.artifacts.has(prefix + 'run.json'), 'run.json is not an artifact');
});
