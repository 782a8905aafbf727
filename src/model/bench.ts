// Optimizer step cost on the deep network's weights (370,201 parameters), per backend and
// update mode. Timing lives here, never in tests.
//   node --import tsx src/model/bench.ts [cpu|wasm] [steps]
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { compileModel } from './compile.ts';
import { createOptimizer } from './optimizers/index.ts';
import type { OptimizerName } from './types.ts';

const backend = process.argv[2] ?? 'wasm';
const steps = Number(process.argv[3] ?? 40);
await tf.setBackend(backend);
await tf.ready();

const model = compileModel([{ type: 'dense', units: 300, activation: 'relu', repeat: 5 }, { type: 'dense', units: 1, activation: 'sigmoid' }], 28, { seed: 1 });
const grads: Record<string, tf.Tensor> = {};
for (const w of model.trainableWeights) grads[(w.read() as tf.Variable).name] = tf.randomNormal(w.shape as number[], 0, 0.01, 'float32', 3);

// warm the backend's kernels up once so the first row is not penalised
const warm = createOptimizer({ name: 'nadam' });
for (let i = 0; i < 5; i++) warm.applyGradients(grads);
warm.dispose();

const names: OptimizerName[] = ['nadam', 'adam', 'adamax', 'rmsprop', 'adagrad', 'sgd'];
console.log(`backend ${tf.getBackend()}, ${model.countParams()} parameters, ${steps} steps`);
for (const name of names) {
  for (const mode of ['tensor', 'array'] as const) {
    const opt = createOptimizer({ name });
    opt.updateMode = mode;
    for (let i = 0; i < 3; i++) opt.applyGradients(grads);
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) opt.applyGradients(grads);
    model.trainableWeights[0].read().dataSync();
    const ms = (performance.now() - t0) / steps;
    console.log(`${name.padEnd(8)} ${mode.padEnd(6)} ${ms.toFixed(2)} ms/step`);
    opt.dispose();
  }
}
console.log(`auto picks: ${createOptimizer({ name: 'nadam' }).activeMode()}`);
