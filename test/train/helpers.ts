// Shared fixtures for the training tests: seeded small networks and synthetic data.
import * as tf from '@tensorflow/tfjs';
import type { Matrix } from '../../src/train/fit.ts';
import { Rng } from '../../src/util/rng.ts';

/** 28 -> hidden... -> 1 sigmoid with seeded Glorot weights: same seed, same initial weights. */
export function denseNet(hidden: number[], seed: number, activation: 'relu' | 'tanh' = 'relu', cols = 28): tf.Sequential {
  const m = tf.sequential();
  hidden.forEach((units, i) =>
    m.add(
      tf.layers.dense({
        units,
        activation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 100 + i }),
        ...(i === 0 ? { inputShape: [cols] } : {}),
      }),
    ),
  );
  m.add(
    tf.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 100 + 99 }),
      ...(hidden.length === 0 ? { inputShape: [cols] } : {}),
    }),
  );
  return m;
}

/** A learnable toy problem: label = 1 when a fixed random direction's projection plus noise > 0. */
export function toyData(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const dir = new Rng(1234).permutation(cols);
  const x = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const v = rng.normal();
      x[r * cols + c] = v;
      s += v * ((dir[c] % 5) - 2) * 0.5 + (c === 0 ? v * v - 1 : 0);
    }
    y[r] = s + rng.normal() > 0 ? 1 : 0;
  }
  return { x, y, rows, cols };
}

export function sliceRows(m: Matrix, start: number, end: number): Matrix {
  return { x: m.x.subarray(start * m.cols, end * m.cols), y: m.y.subarray(start, end), rows: end - start, cols: m.cols };
}

/** Standardises columns in place with the first matrix's mean and standard deviation. */
export function standardise(fitOn: Matrix, ...others: Matrix[]): void {
  const { cols } = fitOn;
  const mean = new Float64Array(cols);
  const sd = new Float64Array(cols);
  for (let r = 0; r < fitOn.rows; r++) for (let c = 0; c < cols; c++) mean[c] += fitOn.x[r * cols + c];
  for (let c = 0; c < cols; c++) mean[c] /= fitOn.rows;
  for (let r = 0; r < fitOn.rows; r++) for (let c = 0; c < cols; c++) sd[c] += (fitOn.x[r * cols + c] - mean[c]) ** 2;
  for (let c = 0; c < cols; c++) sd[c] = Math.sqrt(sd[c] / fitOn.rows) || 1;
  for (const m of [fitOn, ...others]) for (let r = 0; r < m.rows; r++) for (let c = 0; c < cols; c++) m.x[r * cols + c] = (m.x[r * cols + c] - mean[c]) / sd[c];
}
