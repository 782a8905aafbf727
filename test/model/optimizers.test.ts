// Optimizers against independent references: a plain float64 JS implementation of each
// Keras update rule written here from the formulas (not from src/), and hand-computed steps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ExpError } from '../../src/errors.ts';
import { ExpNadam, compileModel, createOptimizer, totalLoss } from '../../src/model/index.ts';
import type { ExpOptimizer, OptimizerSpec } from '../../src/model/index.ts';

// Every optimizer has two implementations of its rule: tfjs ops ('tensor', for GPU/native
// backends) and a fused loop ('array', cpu/wasm). Both are checked against the reference.
const MODES = ['tensor', 'array'] as const;
type Mode = (typeof MODES)[number];

// Loss f(w) = sum(0.5 a w^2 + b w + c cos(w)): gradient a w + b - c sin(w) changes every step.
const A = [1.5, 0.7, 2.2, 0.3];
const B = [0.4, -1.1, 0.05, 2.0];
const C = [0.8, 0.3, -0.5, 1.0];
const W0 = [0.5, -1.2, 2.0, 0.01];
const grad64 = (w: number[]) => w.map((x, i) => A[i] * x + B[i] - C[i] * Math.sin(x));

interface RefOptions {
  spec: OptimizerSpec;
  /** Learning rate used at step t (1-based), mimicking a schedule. */
  lrAt: (t: number) => number;
  /** Momentum at step t (sgd/rmsprop ramp), or undefined to keep the spec's. */
  momentumAt?: (t: number) => number;
}

/** Float64 reference: Keras's update rules, one parameter at a time. */
function reference(opts: RefOptions, steps: number): number[][] {
  const s = opts.spec;
  const w = [...W0];
  const n = w.length;
  const m = new Array(n).fill(0);
  const v = new Array(n).fill(s.name === 'adagrad' ? 0.1 : 0);
  const b1 = s.beta_1 ?? 0.9;
  const b2 = s.beta_2 ?? 0.999;
  const eps = s.epsilon ?? 1e-7;
  const wd = s.weight_decay ?? 0;
  let uProduct = 1;
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const lr = opts.lrAt(t);
    const mom = opts.momentumAt ? opts.momentumAt(t) : (s.momentum ?? 0);
    let g = grad64(w);
    if (s.clipnorm != null) {
      // Keras clipnorm: the whole gradient tensor of a variable scaled to at most clipnorm.
      const norm = Math.sqrt(g.reduce((a, x) => a + x * x, 0));
      if (norm > s.clipnorm) g = g.map((x) => (x * s.clipnorm!) / norm);
    }
    for (let i = 0; i < n; i++) w[i] -= lr * wd * w[i];
    const muT = b1 * (1 - 0.5 * Math.pow(0.96, t * (s.momentum_decay ?? 0.004)));
    const muT1 = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * (s.momentum_decay ?? 0.004)));
    const mSchedNew = uProduct * muT;
    const mSchedNext = mSchedNew * muT1;
    if (s.name === 'nadam') uProduct = mSchedNew;
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      switch (s.name) {
        case 'sgd': {
          m[i] = mom * m[i] - lr * gi;
          w[i] += s.nesterov ? mom * m[i] - lr * gi : m[i];
          break;
        }
        case 'adam': {
          m[i] = b1 * m[i] + (1 - b1) * gi;
          v[i] = b2 * v[i] + (1 - b2) * gi * gi;
          // Keras folds both bias corrections into the step size, so epsilon is added to the
          // uncorrected sqrt(v) (it is not the epsilon of Kingma & Ba's Algorithm 1).
          const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
          w[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
          break;
        }
        case 'adamax': {
          m[i] = b1 * m[i] + (1 - b1) * gi;
          v[i] = Math.max(b2 * v[i], Math.abs(gi));
          w[i] -= (lr / (1 - b1 ** t)) * (m[i] / (v[i] + eps));
          break;
        }
        case 'nadam': {
          m[i] = b1 * m[i] + (1 - b1) * gi;
          v[i] = b2 * v[i] + (1 - b2) * gi * gi;
          const mHat = (muT1 * m[i]) / (1 - mSchedNext) + ((1 - muT) * gi) / (1 - mSchedNew);
          const vHat = v[i] / (1 - b2 ** t);
          w[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
          break;
        }
        case 'rmsprop': {
          const rho = s.rho ?? 0.9;
          v[i] = rho * v[i] + (1 - rho) * gi * gi;
          m[i] = mom * m[i] + (lr * gi) / Math.sqrt(v[i] + eps);
          w[i] -= m[i];
          break;
        }
        case 'adagrad': {
          v[i] += gi * gi;
          w[i] -= (lr * gi) / Math.sqrt(v[i] + eps);
          break;
        }
      }
    }
    out.push([...w]);
  }
  return out;
}

/** The same trajectory through the tfjs optimizer, with gradients from tf.variableGrads. */
function run(opts: RefOptions, steps: number, mode: Mode | ((t: number) => Mode), opt: ExpOptimizer = createOptimizer(opts.spec)): number[][] {
  const w = tf.variable(tf.tensor1d(W0));
  const a = tf.tensor1d(A);
  const b = tf.tensor1d(B);
  const c = tf.tensor1d(C);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    opt.updateMode = typeof mode === 'function' ? mode(t) : mode;
    opt.learningRate = opts.lrAt(t);
    if (opts.momentumAt) opt.setMomentum(opts.momentumAt(t));
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.add(tf.add(tf.mul(tf.mul(a, tf.square(w)), 0.5), tf.mul(b, w)), tf.mul(c, tf.cos(w)))) as tf.Scalar,
      [w],
    );
    opt.applyGradients(grads);
    tf.dispose([value, ...Object.values(grads)]);
    out.push(Array.from(w.dataSync()));
  }
  tf.dispose([w, a, b, c]);
  opt.dispose();
  return out;
}

function assertClose(actual: number[][], expected: number[][], tol: number, label: string): void {
  assert.equal(actual.length, expected.length);
  for (let t = 0; t < expected.length; t++) {
    for (let i = 0; i < expected[t].length; i++) {
      const d = Math.abs(actual[t][i] - expected[t][i]);
      assert.ok(d <= tol, `${label}: step ${t + 1} param ${i}: ${actual[t][i]} vs reference ${expected[t][i]} (diff ${d})`);
    }
  }
  // The trajectory must actually move, or agreement would prove nothing.
  const moved = Math.max(...expected[expected.length - 1].map((x, i) => Math.abs(x - W0[i])));
  assert.ok(moved > 10 * tol, `${label}: parameters barely moved (${moved})`);
}

const constLr = (lr: number) => () => lr;
// A decaying per-step rate, as the exponential schedule produces.
const decayingLr = (lr: number) => (t: number) => lr * Math.pow(0.9, t - 1);

for (const mode of MODES) {
  test(`nadam (${mode}) matches the float64 Keras reference to 1e-6 over 8 steps`, () => {
    const opts = { spec: { name: 'nadam', learning_rate: 0.05 } as OptimizerSpec, lrAt: constLr(0.05) };
    assertClose(run(opts, 8, mode), reference(opts, 8), 1e-6, `nadam ${mode}`);
  });

  test(`nadam (${mode}) with a changing learning rate, non-default betas, momentum_decay 1 (Keras 3 schedule), weight decay and clipnorm`, () => {
    const spec: OptimizerSpec = { name: 'nadam', beta_1: 0.8, beta_2: 0.99, epsilon: 1e-6, momentum_decay: 1, weight_decay: 0.05, clipnorm: 1.0 };
    const opts = { spec, lrAt: decayingLr(0.1) };
    assertClose(run(opts, 8, mode), reference(opts, 8), 1e-6, `nadam-variant ${mode}`);
  });
}

test('switching between tensor and array mode mid-run carries the state over', () => {
  const opts = { spec: { name: 'nadam', learning_rate: 0.05 } as OptimizerSpec, lrAt: constLr(0.05) };
  assertClose(run(opts, 8, (t) => (t <= 3 || t > 6 ? 'tensor' : 'array')), reference(opts, 8), 1e-6, 'nadam mixed');
});

test('auto mode fuses on the cpu backend', () => {
  assert.equal(tf.getBackend(), 'cpu');
  assert.equal(createOptimizer({ name: 'adam' }).activeMode(), 'array');
});

test('nadam step 1 by hand: mu_1, mu_2 and the bias corrections', () => {
  // One parameter w=1, gradient g=2 (loss 2w), lr 0.1, defaults b1 .9, b2 .999, eps 1e-7, decay 0.004.
  const mu1 = 0.9 * (1 - 0.5 * Math.pow(0.96, 0.004));
  const mu2 = 0.9 * (1 - 0.5 * Math.pow(0.96, 0.008));
  const m = 0.1 * 2;
  const v = 0.001 * 4;
  const mHat = (mu2 * m) / (1 - mu1 * mu2) + ((1 - mu1) * 2) / (1 - mu1);
  const expected = 1 - (0.1 * mHat) / (Math.sqrt(v / 0.001) + 1e-7);
  const w = tf.variable(tf.scalar(1));
  const opt = new ExpNadam({ learningRate: 0.1 });
  const { grads, value } = tf.variableGrads(() => tf.mul(w, 2) as tf.Scalar, [w]);
  opt.applyGradients(grads);
  assert.ok(Math.abs(w.dataSync()[0] - expected) < 1e-6, `${w.dataSync()[0]} vs ${expected}`);
  tf.dispose([w, value, ...Object.values(grads)]);
  opt.dispose();
});

for (const [label, spec, lrAt] of [
  ['adam', { name: 'adam', learning_rate: 0.05 }, constLr(0.05)],
  ['adam with decaying lr, weight decay, clipnorm', { name: 'adam', beta_1: 0.85, weight_decay: 0.1, clipnorm: 0.5 }, decayingLr(0.08)],
  ['adamax', { name: 'adamax', learning_rate: 0.05 }, constLr(0.05)],
  ['sgd', { name: 'sgd', learning_rate: 0.05 }, constLr(0.05)],
  ['sgd momentum with decaying lr', { name: 'sgd', momentum: 0.9 }, decayingLr(0.05)],
  ['sgd nesterov', { name: 'sgd', momentum: 0.9, nesterov: true }, constLr(0.05)],
  ['rmsprop', { name: 'rmsprop', learning_rate: 0.01 }, constLr(0.01)],
  ['rmsprop momentum', { name: 'rmsprop', rho: 0.8, momentum: 0.5 }, constLr(0.01)],
  ['adagrad', { name: 'adagrad', learning_rate: 0.1 }, constLr(0.1)],
] as Array<[string, OptimizerSpec, (t: number) => number]>) {
  for (const mode of MODES) {
    test(`${label} (${mode}) matches the float64 Keras reference over 8 steps`, () => {
      const opts = { spec, lrAt };
      assertClose(run(opts, 8, mode), reference(opts, 8), 2e-6, `${label} ${mode}`);
    });
  }
}

for (const mode of MODES) {
  test(`sgd momentum ramp (${mode}): setMomentum each step follows the reference`, () => {
    const opts = { spec: { name: 'sgd', momentum: 0.5 } as OptimizerSpec, lrAt: constLr(0.05), momentumAt: (t: number) => 0.5 + 0.05 * t };
    assertClose(run(opts, 8, mode), reference(opts, 8), 2e-6, `sgd-ramp ${mode}`);
  });
}

/** Steps of a single parameter from w = 1 under a constant gradient, in both modes (which must agree). */
function oneParamSteps(spec: OptimizerSpec, g: number, steps: number): number[] {
  const [a, b] = MODES.map((mode) => oneParamStepsIn(mode, spec, g, steps));
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-7, `tensor ${x} vs array ${b[i]}`));
  return a;
}

function oneParamStepsIn(mode: Mode, spec: OptimizerSpec, g: number, steps: number): number[] {
  const w = tf.variable(tf.scalar(1));
  const opt = createOptimizer(spec);
  opt.updateMode = mode;
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.applyGradients({ [w.name]: tf.scalar(g) });
    out.push(w.dataSync()[0]);
  }
  w.dispose();
  opt.dispose();
  return out;
}

test('sgd by hand: momentum 0.9, lr 0.1, constant gradient 2 from w = 1', () => {
  // v1 = -0.2, w1 = 0.8; v2 = 0.9 * -0.2 - 0.2 = -0.38, w2 = 0.42; v3 = -0.542, w3 = -0.122
  const got = oneParamSteps({ name: 'sgd', learning_rate: 0.1, momentum: 0.9 }, 2, 3);
  [0.8, 0.42, -0.122].forEach((e, i) => assert.ok(Math.abs(got[i] - e) < 1e-6, `step ${i + 1}: ${got[i]} vs ${e}`));
  // nesterov: w1 = 1 + 0.9 * -0.2 - 0.2 = 0.62; w2 = 0.62 + 0.9 * -0.38 - 0.2 = 0.078
  const nes = oneParamSteps({ name: 'sgd', learning_rate: 0.1, momentum: 0.9, nesterov: true }, 2, 2);
  [0.62, 0.078].forEach((e, i) => assert.ok(Math.abs(nes[i] - e) < 1e-6, `nesterov step ${i + 1}: ${nes[i]} vs ${e}`));
});

test('adam by hand: the first step moves lr * (1 - eps / (sqrt(1 - b2) |g|)) against the gradient', () => {
  // m1 = 0.2, v1 = 0.004, alpha = 0.1 * sqrt(0.001) / 0.1; w1 = 1 - alpha * 0.2 / (sqrt(0.004) + 1e-7)
  const alpha = (0.1 * Math.sqrt(0.001)) / 0.1;
  const expected = 1 - (alpha * 0.2) / (Math.sqrt(0.004) + 1e-7); // = 0.9000001581...
  const got = oneParamSteps({ name: 'adam', learning_rate: 0.1 }, 2, 1);
  assert.ok(Math.abs(got[0] - expected) < 1e-6);
  assert.ok(Math.abs(expected - 0.90000016) < 1e-8);
});

test('weight decay by hand: sgd with zero gradient shrinks w by (1 - lr * wd) per step', () => {
  const got = oneParamSteps({ name: 'sgd', learning_rate: 0.1, weight_decay: 0.5 }, 0, 2);
  assert.ok(Math.abs(got[0] - 0.95) < 1e-7 && Math.abs(got[1] - 0.9025) < 1e-7, got.join(','));
});

test('clipnorm by hand: sgd step with gradient 10 clipped to norm 1', () => {
  const got = oneParamSteps({ name: 'sgd', learning_rate: 0.1, clipnorm: 1 }, 10, 1);
  assert.ok(Math.abs(got[0] - 0.9) < 1e-7, String(got[0]));
});

test('learning rate, momentum and step count are visible and settable', () => {
  const opt = createOptimizer({ name: 'sgd', momentum: 0.9 });
  assert.equal(opt.learningRate, 0.01);
  opt.learningRate = 0.5;
  assert.equal(opt.learningRate, 0.5);
  assert.equal(opt.supportsMomentum, true);
  opt.setMomentum(0.95);
  assert.equal(opt.momentum, 0.95);
  assert.equal(opt.getConfig().momentum, 0.95);
  const w = tf.variable(tf.scalar(1));
  opt.applyGradients({ [w.name]: tf.scalar(1) });
  opt.applyGradients([{ name: w.name, tensor: tf.scalar(1) }]);
  assert.equal(opt.step, 2);
  assert.throws(() => (opt.learningRate = -1));
  assert.throws(() => opt.setMomentum(1), ExpError);
  w.dispose();
  opt.dispose();
  const adam = createOptimizer({ name: 'adam' });
  assert.equal(adam.supportsMomentum, false);
  assert.equal(adam.momentum, null);
  assert.throws(() => adam.setMomentum(0.9), ExpError);
  assert.throws(() => createOptimizer({ name: 'adam', learning_rate: -1 }), ExpError);
  assert.throws(() => createOptimizer({ name: 'lbfgs' } as unknown as OptimizerSpec), ExpError);
  // the momentum ramp's start is the initial momentum
  assert.equal(createOptimizer({ name: 'sgd', momentum_schedule: { start: 0.9, end: 0.99, epochs: 200 } }).momentum, 0.9);
});

for (const [m1, m2] of [['array', 'array'], ['tensor', 'array'], ['array', 'tensor']] as Array<[Mode, Mode]>) {
  test(`getWeights / setWeights resume a nadam run exactly (slots and momentum product; ${m1} -> ${m2})`, async () => {
    const opts = { spec: { name: 'nadam', learning_rate: 0.05 } as OptimizerSpec, lrAt: constLr(0.05) };
    const expected = reference(opts, 6);
    const w = tf.variable(tf.tensor1d(W0));
    const step = (opt: ExpOptimizer) => {
      const g = grad64(Array.from(w.dataSync()));
      opt.applyGradients({ [w.name]: tf.tensor1d(g) });
    };
    const first = createOptimizer(opts.spec);
    first.updateMode = m1;
    for (let i = 0; i < 3; i++) step(first);
    const saved = await first.getWeights();
    const copies = saved.map((s) => ({ name: s.name, tensor: s.tensor.clone() }));
    first.dispose();
    const second = createOptimizer(opts.spec);
    second.updateMode = m2;
    await second.setWeights(copies);
    assert.equal(second.step, 3);
    for (let i = 0; i < 3; i++) step(second);
    const got = Array.from(w.dataSync());
    got.forEach((x, i) => assert.ok(Math.abs(x - expected[5][i]) < 1e-6, `param ${i}: ${x} vs ${expected[5][i]}`));
    w.dispose();
    second.dispose();
  });
}

for (const mode of MODES) {
  test(`applyGradients (${mode}) leaks no tensors: only the slot variables stay`, () => {
    const w = tf.variable(tf.ones([3, 4]));
    const opt = createOptimizer({ name: 'nadam', weight_decay: 0.01, clipnorm: 1 });
    opt.updateMode = mode;
    const stepOnce = () => tf.tidy(() => opt.applyGradients({ [w.name]: tf.onesLike(w) }));
    stepOnce();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) stepOnce();
    assert.equal(tf.memory().numTensors, before);
    opt.dispose();
    assert.equal(tf.memory().numTensors, before - (mode === 'tensor' ? 2 : 0));
    w.dispose();
  });
}

test('an exp optimizer drives model.fit (a real tf.Optimizer) and the loss falls', async () => {
  // Separable toy problem: label = x0 + x1 > 0.
  const n = 256;
  const xs = new Float32Array(n * 2);
  const ys = new Float32Array(n);
  let s = 1;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < n; i++) {
    xs[2 * i] = rand();
    xs[2 * i + 1] = rand();
    ys[i] = xs[2 * i] + xs[2 * i + 1] > 0 ? 1 : 0;
  }
  const x = tf.tensor2d(xs, [n, 2]);
  const y = tf.tensor2d(ys, [n, 1]);
  for (const name of ['nadam', 'sgd'] as const) {
    const model = compileModel([{ type: 'dense', units: 8, activation: 'tanh' }, { type: 'dense', units: 1, activation: 'sigmoid' }], 2, { seed: 3 });
    const optimizer = createOptimizer({ name, learning_rate: name === 'sgd' ? 0.5 : 0.05 });
    model.compile({ optimizer, loss: (yt: tf.Tensor, yp: tf.Tensor) => totalLoss(model, yt, yp, 'binary_crossentropy') });
    const h = await model.fit(x, y, { epochs: 15, batchSize: 32, shuffle: false, verbose: 0 });
    const loss = h.history.loss as number[];
    assert.ok(loss[loss.length - 1] < 0.5 * loss[0], `${name}: loss ${loss[0]} -> ${loss[loss.length - 1]}`);
    assert.equal(optimizer.step, 15 * Math.ceil(n / 32));
    model.dispose();
    optimizer.dispose();
  }
  tf.dispose([x, y]);
});
