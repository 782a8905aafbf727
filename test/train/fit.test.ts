// The training loop: reproducibility, tensor hygiene, early stopping, checkpoints, interruption.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/train/backend.ts';
import { fit, predict, snapshotWeights, type EpochMetrics } from '../../src/train/fit.ts';
import { denseNet, sliceRows, toyData } from './helpers.ts';

const data = toyData(3000, 10, 5);
const train = sliceRows(data, 0, 2400);
const val = sliceRows(data, 2400, 3000);

before(async () => {
  await selectBackend('wasm', () => {});
});

async function losses(seed: number, shuffle = true): Promise<number[]> {
  const model = denseNet([16, 16], 3, 'relu', 10);
  const r = await fit({ model, optimizer: tf.train.adam(0.01), loss: 'binary_crossentropy', train, validation: val, batchSize: 50, epochs: 3, seed, shuffle });
  model.dispose();
  return r.history.map((m) => m.loss);
}

test('same seed, same backend: identical per-epoch losses; another seed or no shuffle differs', async () => {
  const a = await losses(1);
  const b = await losses(1);
  assert.deepEqual(a, b);
  assert.notDeepEqual(await losses(2), a, 'the seed drives the shuffle');
  assert.notDeepEqual(await losses(1, false), a, 'shuffle: false trains in file order');
});

test('per-epoch metrics: the documented keys, sane values, learning rate logged, val_auc matches predictions', async () => {
  const model = denseNet([16], 4, 'tanh', 10);
  const seen: EpochMetrics[] = [];
  const r = await fit({
    model, optimizer: tf.train.adam(0.01), loss: 'binary_crossentropy', train, validation: val, batchSize: 64, epochs: 3, seed: 1,
    lrAt: (step) => 0.01 * 0.9 ** Math.floor(step / 38),
    onEpochEnd: async (m) => { seen.push(m); },
  });
  assert.deepEqual(seen, r.history);
  assert.deepEqual(Object.keys(r.history[0]).sort(),
    ['accuracy', 'epoch', 'learning_rate', 'loss', 'samples_per_s', 'seconds', 'val_accuracy', 'val_auc', 'val_loss'].sort());
  assert.deepEqual(r.history.map((m) => m.epoch), [1, 2, 3]);
  // 38 steps per epoch (2400 / 64 rounded up): the last step of epoch e is step 38e - 1.
  assert.deepEqual(r.history.map((m) => m.learning_rate), [0, 1, 2].map((e) => 0.01 * 0.9 ** Math.floor((38 * (e + 1) - 1) / 38)));
  assert.ok(r.history[2].loss < r.history[0].loss, 'it learns');
  for (const m of r.history) {
    assert.ok(m.accuracy > 0.5 && m.accuracy <= 1 && m.val_accuracy! > 0.5 && m.val_auc! > 0.6);
    assert.ok(m.samples_per_s > 0 && m.seconds > 0);
  }
  // val_accuracy and val_loss recomputed by hand from predict().
  const p = predict(model, val.x, val.rows, val.cols, 128);
  let correct = 0;
  let bce = 0;
  for (let i = 0; i < val.rows; i++) {
    if ((p[i] > 0.5 ? 1 : 0) === val.y[i]) correct++;
    const q = Math.min(Math.max(p[i], 1e-7), 1 - 1e-7);
    bce -= val.y[i] * Math.log(q) + (1 - val.y[i]) * Math.log(1 - q);
  }
  const last = r.history[2];
  assert.equal(last.val_accuracy, correct / val.rows);
  assert.ok(Math.abs(last.val_loss! - bce / val.rows) < 1e-4, `${last.val_loss} vs ${bce / val.rows}`);
  // The best checkpoint (val_loss by default) is the epoch with the lowest val_loss.
  const bestEpoch = r.history.reduce((b, m) => (m.val_loss! < b.val_loss! ? m : b)).epoch;
  assert.equal(r.best?.epoch, bestEpoch);
  model.dispose();
});

test('no tensor leak: tf.memory().numTensors is the same after every epoch', async () => {
  const model = denseNet([32, 32], 5, 'relu', 10);
  const counts: number[] = [];
  await fit({
    model, optimizer: tf.train.adam(0.001), loss: 'binary_crossentropy', train, validation: val, batchSize: 100, epochs: 4, seed: 1,
    earlyStopping: null, lrAt: (s) => 0.001 / (1 + s * 1e-3), momentumAt: () => 0.9,
    onEpochEnd: () => { counts.push(tf.memory().numTensors); },
  });
  assert.equal(counts.length, 4);
  assert.ok(counts.every((c) => c === counts[0]), `numTensors per epoch: ${counts.join(', ')}`);
  model.dispose();
});

test('early stopping stops when the monitored metric plateaus', async () => {
  const model = denseNet([16], 6, 'relu', 10);
  // From epoch 3 on the learning rate is 0, so val_loss repeats epoch 2's exactly: no improvement.
  const r = await fit({
    model, optimizer: tf.train.sgd(0.1), loss: 'binary_crossentropy', train, validation: val, batchSize: 50, epochs: 20, seed: 1,
    lrAt: (_s, e) => (e < 2 ? 0.1 : 0),
    earlyStopping: { monitor: 'val_loss', mode: 'auto', patience: 2, min_delta: 0, restore_best_weights: false },
  });
  assert.equal(r.history.length, 4, 'epochs 3 and 4 bring no improvement over epoch 2, patience 2');
  assert.equal(r.stoppedEarlyAt, 4);
  assert.equal(r.history[2].val_loss, r.history[1].val_loss);
  assert.equal(r.history[3].val_loss, r.history[1].val_loss);
  assert.ok(r.history[1].val_loss! < r.history[0].val_loss!);
  model.dispose();
});

test('early stopping with restore_best_weights puts the best epoch\'s weights back', async () => {
  const model = denseNet([16], 7, 'relu', 10);
  const weightsAt: Float32Array[][] = [];
  // Two sane epochs, then a learning rate that wrecks the model: val_loss gets worse.
  const r = await fit({
    model, optimizer: tf.train.sgd(0.1), loss: 'binary_crossentropy', train, validation: val, batchSize: 50, epochs: 20, seed: 1,
    lrAt: (_s, e) => (e < 2 ? 0.1 : 40),
    earlyStopping: { monitor: 'val_loss', mode: 'min', patience: 2, min_delta: 0.001, restore_best_weights: true },
    onEpochEnd: () => { weightsAt.push(snapshotWeights(model)); },
  });
  const vl = r.history.map((m) => m.val_loss!);
  const best = vl.indexOf(Math.min(...vl));
  assert.ok(best <= 1, `val_loss ${vl.join(', ')}`);
  assert.equal(r.history.length, best + 1 + 2);
  assert.equal(r.stoppedEarlyAt, best + 3);
  assert.ok(r.restoredBest);
  const now = snapshotWeights(model);
  assert.deepEqual(now, weightsAt[best], 'model weights equal those after the best epoch');
  assert.notDeepEqual(now, weightsAt[weightsAt.length - 1]);
  assert.equal(r.best?.epoch, best + 1);
  assert.deepEqual(r.best?.weights, weightsAt[best]);
  model.dispose();
});

test('an aborted signal stops after the current batch and keeps completed epochs', async () => {
  const model = denseNet([16], 8, 'relu', 10);
  const ctrl = new AbortController();
  const logged: number[] = [];
  let stepsSeen = 0;
  const r = await fit({
    model, optimizer: tf.train.adam(0.01), loss: 'binary_crossentropy', train, validation: val, batchSize: 100, epochs: 5, seed: 1,
    onEpochEnd: (m) => { logged.push(m.epoch); },
    onStep: (s) => {
      stepsSeen = s;
      if (s === 24 + 10) ctrl.abort(); // 24 steps per epoch: abort 10 steps into epoch 2
    },
    signal: ctrl.signal,
  });
  assert.equal(r.interrupted, true);
  assert.equal(r.steps, 34);
  assert.equal(stepsSeen, 34, 'no step after the abort');
  assert.deepEqual(r.history.map((m) => m.epoch), [1]);
  assert.deepEqual(logged, [1]);
  assert.equal(r.best?.epoch, 1);
  model.dispose();
});

test('bad inputs are ExpErrors naming the problem', async () => {
  const model = denseNet([4], 9, 'relu', 10);
  await assert.rejects(
    fit({ model, optimizer: tf.train.sgd(0.1), loss: 'binary_crossentropy', train: { ...train, rows: 7 }, batchSize: 10, epochs: 1, seed: 1 }),
    (e: Error) => e.name === 'ExpError' && /training data/.test(e.message),
  );
  await assert.rejects(
    fit({ model, optimizer: tf.train.sgd(0.1), loss: 'binary_crossentropy', train, batchSize: 10, epochs: 1, seed: 1,
      earlyStopping: { monitor: 'val_auc', mode: 'auto', patience: 1, min_delta: 0, restore_best_weights: true } }),
    (e: Error) => e.name === 'ExpError' && /val_auc/.test(e.message),
  );
  model.dispose();
});

test('the spec optimizer (nadam) with its exponential schedule: the rate of each epoch\'s last step is logged', async () => {
  const { createOptimizer } = await import('../../src/model/index.ts');
  const spec = { name: 'nadam' as const, learning_rate: 0.005, schedule: { type: 'exponential' as const, decay_rate: 0.99, floor: 0.004 } };
  const model = denseNet([16], 10, 'relu', 10);
  const r = await fit({ model, optimizer: createOptimizer(spec), optimizerSpec: spec, loss: 'binary_crossentropy', train, validation: val, batchSize: 100, epochs: 3, seed: 1 });
  // 24 steps per epoch; step k (0-based) uses max(0.004, 0.005 * 0.99^k).
  assert.deepEqual(r.history.map((m) => m.learning_rate), [23, 47, 71].map((k) => Math.max(0.004, 0.005 * 0.99 ** k)));
  assert.ok(r.history[2].loss < r.history[0].loss);
  model.dispose();
});

test('training a tanh first layer without its input gradient gives the same training', async () => {
  const run = async (skip: boolean): Promise<{ losses: number[]; weights: Float32Array[] }> => {
    const model = denseNet([32], 12, 'tanh', 10);
    const r = await fit({ model, optimizer: tf.train.adam(0.01), loss: 'binary_crossentropy', train, batchSize: 100, epochs: 2, seed: 1, skipInputGradient: skip });
    const out = { losses: r.history.map((m) => m.loss), weights: snapshotWeights(model) };
    // The layer's own call is back after fit: predictions use tfjs's Dense again.
    assert.equal(Object.prototype.hasOwnProperty.call(model.layers[0], 'call'), false);
    model.dispose();
    return out;
  };
  const plain = await run(false);
  const skipped = await run(true);
  // Only the order in which the bias is added differs (fused vs separate): float32 rounding.
  for (let i = 0; i < plain.losses.length; i++) assert.ok(Math.abs(skipped.losses[i] - plain.losses[i]) < 1e-5);
  for (let i = 0; i < plain.weights.length; i++) {
    let d = 0;
    for (let j = 0; j < plain.weights[i].length; j++) d = Math.max(d, Math.abs(skipped.weights[i][j] - plain.weights[i][j]));
    assert.ok(d < 1e-4, `weight ${i}: max diff ${d}`);
  }
});
