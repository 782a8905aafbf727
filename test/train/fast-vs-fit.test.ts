// Meaning unchanged (issue 7): the fast training path (custom loop + wasm kernel overrides) reaches
// the same test AUC as plain tfjs model.fit with the stock kernels, same seed, data and batches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { generateHiggsSim } from '../../src/data/sources/higgs-sim/index.ts';
import { rocAuc } from '../../src/evaluate/auc.ts';
import { selectBackend } from '../../src/train/backend.ts';
import { withOriginalKernels } from '../../src/train/fast-kernels.ts';
import { fit, predict, type Matrix } from '../../src/train/fit.ts';
import { denseNet, sliceRows, standardise } from './helpers.ts';

test('deep network: fast path and plain model.fit reach the same test AUC (within 0.005)', async (t) => {
  await selectBackend('wasm', () => {});
  const nTrain = 6000;
  const nTest = 10000;
  const sim = generateHiggsSim({ events: nTrain + nTest, seed: 21 });
  const all: Matrix = { ...sim, cols: 28 };
  const train = sliceRows(all, 0, nTrain);
  const testSet = sliceRows(all, nTrain, nTrain + nTest);
  standardise(train, testSet);
  const hidden = [300, 300, 300, 300, 300];
  const epochs = 2;
  const batchSize = 100;

  // Plain tfjs: stock kernels, model.fit. No shuffle in either, so both see the same batches.
  const reinstall = withOriginalKernels();
  let aucPlain: number;
  try {
    const plain = denseNet(hidden, 1);
    plain.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
    const x = tf.tensor2d(train.x, [nTrain, 28]);
    const y = tf.tensor2d(train.y, [nTrain, 1]);
    await plain.fit(x, y, { batchSize, epochs, shuffle: false, verbose: 0 });
    tf.dispose([x, y]);
    aucPlain = rocAuc(predict(plain, testSet.x, nTest, 28), testSet.y);
    plain.dispose();
  } finally {
    reinstall();
  }

  const fast = denseNet(hidden, 1);
  await fit({ model: fast, optimizer: tf.train.adam(1e-3), loss: 'binary_crossentropy', train, batchSize, epochs, seed: 1, shuffle: false });
  const aucFast = rocAuc(predict(fast, testSet.x, nTest, 28), testSet.y);
  fast.dispose();

  t.diagnostic(`test AUC: model.fit ${aucPlain.toFixed(4)}, fast path ${aucFast.toFixed(4)}`);
  assert.ok(aucPlain > 0.6, `the network learns something (plain AUC ${aucPlain})`);
  assert.ok(Math.abs(aucFast - aucPlain) < 0.005, `fast ${aucFast} vs model.fit ${aucPlain}`);
});
