// Issue 4: experiments/deep.yaml, shrunk with --set, trains on the simulator to a useful AUC,
// and two runs with the same seed on the same backend log identical per-epoch losses.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { epochs, exp, readJson, runDirs, tempRunsDir } from './helpers.ts';

// 30,000 events, half held out for the test: 11,250 training events, 2 epochs. On this simulator
// the notebook's deep network reaches ~0.83 with 22,500 training events and 3 epochs; 0.75 is the
// issue's threshold and leaves room for the smaller sample while still failing for a network that
// does not learn (0.5) or learns only the trivial pT imbalance (~0.6).
const SMALL = ['--set', 'data.events=30000', '--set', 'split.test_fraction=0.5', '--set', 'models.deep.epochs=2'];

test('deep.yaml trains on the simulator to test AUC >= 0.75 and says it uses wasm', async () => {
  const runsDir = tempRunsDir();
  const r = await exp(['run', 'experiments/deep.yaml', ...SMALL, '--runs-dir', runsDir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /training on wasm/);
  const [dir] = runDirs(runsDir);
  const run = readJson(join(dir!, 'run.json'));
  assert.equal(run.status, 'finished');
  assert.equal(run.backend.name, 'wasm');
  const ev = readJson(join(dir!, 'models/deep/evaluation.json'));
  assert.ok(ev.auc >= 0.75, `test AUC ${ev.auc}`);
  assert.equal(ev.events.test.signal + ev.events.test.background, 15000);
});

test('same spec, same seed, same backend: identical per-epoch losses; another seed differs', async () => {
  const runsDir = tempRunsDir();
  const tiny = ['--set', 'data.events=4000', '--set', 'split.test_fraction=0.5', '--set', 'models.shallow.epochs=2', '--backend', 'wasm', '--runs-dir', runsDir];
  for (const extra of [[], [], ['--set', 'seed=7']]) {
    const r = await exp(['run', 'experiments/shallow.yaml', ...tiny, ...extra]);
    assert.equal(r.code, 0, r.stderr);
  }
  const [a, b, c] = runDirs(runsDir).map((d) => epochs(d, 'shallow'));
  assert.equal(a!.length, 2);
  const fields = (rows: any[]) => rows.map((m) => [m.loss, m.accuracy, m.val_loss, m.val_auc]);
  assert.deepEqual(fields(a!), fields(b!));
  assert.notDeepEqual(fields(a!), fields(c!));
});
