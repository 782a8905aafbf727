// Losses with Keras semantics against hand computations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { EPSILON, LOSSES, binaryCrossentropy, meanSquaredError } from '../../src/model/index.ts';

const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

test('binary cross-entropy: mean over the batch of -[y ln p + (1-y) ln(1-p)]', () => {
  const y = tf.tensor2d([[1], [0], [1], [0]]);
  const p = tf.tensor2d([[0.9], [0.2], [0.3], [0.6]]);
  const expected = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.3) + Math.log(0.4)) / 4;
  assert.ok(Math.abs(value(binaryCrossentropy(y, p)) - expected) < 1e-6);
  assert.equal(LOSSES.binary_crossentropy, binaryCrossentropy);
  tf.dispose([y, p]);
});

test("binary cross-entropy clips predictions to [1e-7, 1 - 1e-7] as Keras does (finite at 0 and 1)", () => {
  const y = tf.tensor2d([[1], [0]]);
  const p = tf.tensor2d([[0], [1]]);
  const got = value(binaryCrossentropy(y, p));
  // both terms are -ln(1e-7) (1 - (1 - 1e-7) in float32 is about 1.19e-7: allow for it)
  assert.ok(Number.isFinite(got));
  assert.ok(Math.abs(got - -Math.log(EPSILON)) < 0.2, String(got));
  // and a perfect prediction costs about -ln(1 - 1e-7), i.e. ~0
  assert.ok(value(binaryCrossentropy(y, tf.tensor2d([[1], [0]]))) < 1e-6);
  tf.dispose([y, p]);
});

test('binary cross-entropy gradient is (p - y) / (p (1 - p)) / N inside the clip range', () => {
  const y = tf.tensor2d([[1], [0]]);
  const p = tf.tensor2d([[0.7], [0.4]]);
  const g = tf.grad((q: tf.Tensor) => binaryCrossentropy(y, q))(p).dataSync();
  assert.ok(Math.abs(g[0] - (0.7 - 1) / (0.7 * 0.3) / 2) < 1e-5);
  assert.ok(Math.abs(g[1] - 0.4 / (0.4 * 0.6) / 2) < 1e-5);
  tf.dispose([y, p]);
});

test('mean squared error: mean over outputs, then over the batch', () => {
  const y = tf.tensor2d([[1, 0], [0, 2]]);
  const p = tf.tensor2d([[0.5, 0.5], [1, 1]]);
  // rows: (0.25 + 0.25) / 2 = 0.25, (1 + 1) / 2 = 1 -> 0.625
  assert.ok(Math.abs(value(meanSquaredError(y, p)) - 0.625) < 1e-7);
  assert.equal(LOSSES.mean_squared_error, meanSquaredError);
  tf.dispose([y, p]);
});

test('losses leave no tensors behind', () => {
  const y = tf.tensor2d([[1], [0]]);
  const p = tf.tensor2d([[0.7], [0.4]]);
  const before = tf.memory().numTensors;
  value(binaryCrossentropy(y, p));
  value(meanSquaredError(y, p));
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([y, p]);
});
