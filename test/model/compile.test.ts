// The model compiler: Keras names and parameter counts, seeded initial weights with Keras's
// initializer distributions, seeded dropout, the summary, and save/load round trips.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { ExpError } from '../../src/errors.ts';
import {
  SeededDropout,
  compileModel,
  createOptimizer,
  expandLayers,
  sampleInitializer,
  summarize,
  totalLoss,
} from '../../src/model/index.ts';
import type { LayerSpec } from '../../src/model/index.ts';
import { Rng } from '../../src/util/rng.ts';

const DEEP: LayerSpec[] = [
  { type: 'dense', units: 300, activation: 'relu', repeat: 5 },
  { type: 'dense', units: 1, activation: 'sigmoid' },
];
const SHALLOW: LayerSpec[] = [
  { type: 'dense', units: 1000, activation: 'tanh' },
  { type: 'dense', units: 1, activation: 'sigmoid' },
];

/** Parameter count of a dense stack computed by hand: sum over layers of in*out + out. */
function denseParams(inputDim: number, units: number[]): number {
  let n = 0;
  let prev = inputDim;
  for (const u of units) {
    n += prev * u + u;
    prev = u;
  }
  return n;
}

test('the notebook networks have 370,201 (deep) and 30,001 (shallow) parameters', () => {
  assert.equal(denseParams(28, [300, 300, 300, 300, 300, 1]), 370201);
  const deep = compileModel(DEEP, 28, { seed: 1, name: 'deep' });
  const shallow = compileModel(SHALLOW, 28, { seed: 1, name: 'shallow' });
  assert.equal(deep.countParams(), 370201);
  assert.equal(summarize(deep).totalParams, 370201);
  assert.equal(summarize(shallow).totalParams, 30001);
  deep.dispose();
  shallow.dispose();
});

const specFiles = ['experiments/deep.yaml', 'experiments/shallow.yaml'];
const repoPath = (rel: string) => fileURLToPath(new URL(`../../${rel}`, import.meta.url));
test(
  'experiments/deep.yaml and experiments/shallow.yaml compile to 370,201 and 30,001 parameters',
  async () => {
    for (const f of specFiles) assert.ok(existsSync(repoPath(f)), `${f} is missing`);
    const { loadSpec } = await import('../../src/spec/index.ts');
    const expected: Record<string, number> = { 'experiments/deep.yaml': 370201, 'experiments/shallow.yaml': 30001 };
    for (const file of specFiles) {
      const loaded = await loadSpec(repoPath(file));
      assert.ok(loaded.ok, `${file}: ${loaded.ok ? '' : JSON.stringify(loaded.problems)}`);
      const models = Object.entries(loaded.value.resolved.models);
      assert.equal(models.length, 1, `${file} should define one model`);
      const [name, model] = models[0];
      // 28 inputs: the HIGGS catalogue's features (all), as in the notebook.
      const m = compileModel(model.layers, 28, { seed: loaded.value.resolved.seed, name });
      const s = summarize(m);
      assert.equal(s.totalParams, expected[file], file);
      assert.match(s.text, new RegExp(`Total params: ${expected[file].toLocaleString('en-US')}`));
      m.dispose();
    }
  },
);

test('repeat expands and layers get Keras names per type', () => {
  const layers: LayerSpec[] = [
    { type: 'dense', units: 4, activation: 'relu', repeat: 2 },
    { type: 'dropout', rate: 0.5, repeat: 2 },
    { type: 'batch_normalization' },
    { type: 'activation', activation: 'elu' },
    { type: 'dense', units: 1, activation: 'sigmoid' },
  ];
  const names = expandLayers(layers).map((l) => l.name);
  assert.deepEqual(names, ['dense_1', 'dense_2', 'dropout_1', 'dropout_2', 'batch_normalization_1', 'activation_1', 'dense_3']);
  const m = compileModel(layers, 3, { seed: 1 });
  assert.deepEqual(
    m.layers.map((l) => l.name),
    names,
  );
  const s = summarize(m);
  assert.deepEqual(
    s.layers.map((l) => l.type),
    ['Dense', 'Dense', 'Dropout', 'Dropout', 'BatchNormalization', 'Activation', 'Dense'],
  );
  assert.deepEqual(s.layers[0].outputShape, [null, 4]);
  // batch norm on 4 features: gamma, beta trainable (8), moving mean/var not (8)
  assert.equal(s.layers[4].params, 16);
  assert.equal(s.layers[4].trainableParams, 8);
  assert.equal(s.totalParams, 3 * 4 + 4 + 4 * 4 + 4 + 16 + 4 + 1);
  assert.equal(s.nonTrainableParams, 8);
  assert.match(s.text, /^Model: "sequential"/);
  assert.match(s.text, /dense_1 \(Dense\) +\(None, 4\) +16\n/);
  assert.match(s.text, /Non-trainable params: 8\n/);
  m.dispose();
});

test('bad input is an ExpError naming the layer', () => {
  assert.throws(() => compileModel([], 3, { seed: 1 }), ExpError);
  assert.throws(() => compileModel(DEEP, 0, { seed: 1 }), ExpError);
  assert.throws(
    () => compileModel([{ type: 'conv2d' } as unknown as LayerSpec], 3, { seed: 1 }),
    (e: unknown) => e instanceof ExpError && e.problems[0].path === 'layers[0].type',
  );
});

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

test('same seed gives identical weights; another seed, or another layer, gives different ones', () => {
  const a = compileModel(DEEP, 28, { seed: 7 });
  const b = compileModel(DEEP, 28, { seed: 7 });
  const c = compileModel(DEEP, 28, { seed: 8 });
  const wa = weightsOf(a);
  assert.deepEqual(wa, weightsOf(b));
  assert.notDeepEqual(wa[0], weightsOf(c)[0]);
  // dense_2 and dense_3 have the same shape and initializer, yet draw different streams
  assert.notDeepEqual(wa[2], wa[4]);
  // biases default to zeros
  assert.ok(wa[1].every((x) => x === 0));
  [a, b, c].forEach((m) => m.dispose());
});

function moments(xs: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let s = 0;
  let s2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i];
    s2 += xs[i] * xs[i];
    min = Math.min(min, xs[i]);
    max = Math.max(max, xs[i]);
  }
  const mean = s / xs.length;
  return { mean, std: Math.sqrt(s2 / xs.length - mean * mean), min, max };
}

test("initializers follow Keras's distributions (variance scaling with fan_in / fan_avg)", () => {
  // kernel [400, 200]: fan_in 400, fan_out 200, fan_avg 300; 80,000 draws -> std estimate within ~1%
  const shape = [400, 200];
  const draw = (name: Parameters<typeof sampleInitializer>[0]) => moments(sampleInitializer(name, shape, new Rng(5)));
  const cases: Array<[string, number, 'uniform' | 'normal']> = [
    ['glorot_uniform', Math.sqrt(1 / 300), 'uniform'],
    ['glorot_normal', Math.sqrt(1 / 300), 'normal'],
    ['he_uniform', Math.sqrt(2 / 400), 'uniform'],
    ['he_normal', Math.sqrt(2 / 400), 'normal'],
    ['lecun_uniform', Math.sqrt(1 / 400), 'uniform'],
    ['lecun_normal', Math.sqrt(1 / 400), 'normal'],
  ];
  for (const [name, std, kind] of cases) {
    const m = draw(name as Parameters<typeof sampleInitializer>[0]);
    assert.ok(Math.abs(m.mean) < 0.02 * std, `${name} mean ${m.mean}`);
    assert.ok(Math.abs(m.std / std - 1) < 0.02, `${name} std ${m.std} vs ${std}`);
    // uniform: limit sqrt(3) std; truncated normal: within 2 stddev of the untruncated scale
    const bound = kind === 'uniform' ? Math.sqrt(3) * std : (2 * std) / 0.87962566103423978;
    assert.ok(m.max <= bound && m.min >= -bound, `${name} range [${m.min}, ${m.max}] vs ${bound}`);
    assert.ok(m.max > 0.95 * bound, `${name} should reach close to its bound`);
  }
  const rn = moments(sampleInitializer({ name: 'random_normal', mean: 0.5, stddev: 0.1 }, shape, new Rng(5)));
  assert.ok(Math.abs(rn.mean - 0.5) < 0.002 && Math.abs(rn.std - 0.1) < 0.002, JSON.stringify(rn));
  const ru = moments(sampleInitializer({ name: 'random_uniform', minval: 1, maxval: 3 }, shape, new Rng(5)));
  assert.ok(ru.min >= 1 && ru.max < 3 && Math.abs(ru.mean - 2) < 0.01, JSON.stringify(ru));
  assert.ok(sampleInitializer('ones', [3], new Rng(1)).every((x) => x === 1));
});

test('the spec initializers reach the layers (paper: random_normal 0.1 hidden, 0.001 output)', () => {
  const m = compileModel(
    [
      { type: 'dense', units: 300, activation: 'tanh', kernel_initializer: { name: 'random_normal', stddev: 0.1 }, bias_initializer: 'ones' },
      { type: 'dense', units: 1, activation: 'sigmoid', kernel_initializer: { name: 'random_normal', stddev: 0.001 }, use_bias: false },
    ],
    28,
    { seed: 11 },
  );
  const [k1, b1, k2] = m.getWeights();
  assert.equal(m.getWeights().length, 3);
  assert.ok(Math.abs(moments(k1.dataSync()).std - 0.1) < 0.005);
  assert.ok(b1.dataSync().every((x) => x === 1));
  assert.ok(Math.abs(moments(k2.dataSync()).std - 0.001) < 0.0002);
  m.dispose();
});

test('seeded dropout: new mask every call, reproducible across models, identity at inference', () => {
  const make = () => compileModel([{ type: 'dropout', rate: 0.3 }], 2000, { seed: 9 });
  const m1 = make();
  const m2 = make();
  const x = tf.ones([1, 2000]);
  const call = (m: tf.LayersModel, training: boolean) => Array.from((m.apply(x, { training }) as tf.Tensor).dataSync());
  const a1 = call(m1, true);
  const a2 = call(m1, true);
  assert.notDeepEqual(a1, a2, 'the mask must change between mini-batches');
  assert.deepEqual(call(m2, true), a1, 'same seed, same first mask');
  assert.deepEqual(call(m2, true), a2, 'same seed, same second mask');
  const dropped = a1.filter((v) => v === 0).length / a1.length;
  assert.ok(Math.abs(dropped - 0.3) < 0.04, `dropped ${dropped}`);
  assert.ok(a1.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6), 'kept units are scaled by 1/(1-rate)');
  assert.ok(call(m1, false).every((v) => v === 1));
  assert.ok(m1.layers[0] instanceof SeededDropout);
  x.dispose();
  m1.dispose();
  m2.dispose();
});

test('regularization penalties enter the total loss as l1 sum|w| + l2 sum w^2', () => {
  const m = compileModel(
    [{ type: 'dense', units: 3, activation: 'sigmoid', kernel_regularizer: { l1: 0.01, l2: 0.1 }, bias_initializer: 'ones', bias_regularizer: { l2: 0.5 } }],
    2,
    { seed: 2 },
  );
  // the training loop calls model.calculateLosses() directly: it must see both penalties before any call
  const direct = m.calculateLosses();
  assert.equal(direct.length, 2);
  tf.dispose(direct);
  const [k, b] = m.getWeights().map((w) => Array.from(w.dataSync()));
  const penalty = 0.01 * k.reduce((s, w) => s + Math.abs(w), 0) + 0.1 * k.reduce((s, w) => s + w * w, 0) + 0.5 * b.reduce((s, w) => s + w * w, 0);
  const yTrue = tf.tensor2d([[1, 0, 1]]);
  const yPred = tf.tensor2d([[0.9, 0.2, 0.6]]);
  const data = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6)) / 3;
  const total = totalLoss(m, yTrue, yPred, 'binary_crossentropy').dataSync()[0];
  assert.ok(Math.abs(total - (data + penalty)) < 1e-5, `${total} vs ${data + penalty}`);
  tf.dispose([yTrue, yPred]);
  m.dispose();
});

test('model and optimizer survive a save / load round trip (tfjs format, in memory)', async () => {
  const layers: LayerSpec[] = [
    { type: 'dense', units: 8, activation: 'swish', kernel_regularizer: { l2: 0.01 } },
    { type: 'batch_normalization' },
    { type: 'dropout', rate: 0.2 },
    { type: 'dense', units: 1, activation: 'sigmoid' },
  ];
  const model = compileModel(layers, 5, { seed: 4, name: 'roundtrip' });
  const optimizer = createOptimizer({ name: 'nadam', learning_rate: 0.01 });
  model.compile({ optimizer, loss: 'binaryCrossentropy' });
  const x = tf.randomUniform([64, 5], -1, 1, 'float32', 1);
  const y = tf.cast(tf.greater(tf.sum(x, 1, true), 0), 'float32');
  await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  assert.ok(artifacts);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const before = (model.predict(x) as tf.Tensor).dataSync();
  const after = (loaded.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual(Array.from(after), Array.from(before));
  assert.equal(summarize(loaded).text.replace(/\s+$/, ''), summarize(model).text.replace(/\s+$/, ''));
  assert.ok(loaded.layers[2] instanceof SeededDropout);
  const restored = (loaded as unknown as { optimizer: tf.Optimizer }).optimizer;
  assert.equal(restored.getClassName(), 'ExpNadam');
  assert.equal((restored as unknown as { step: number }).step, optimizer.step);
  assert.deepEqual(restored.getConfig(), optimizer.getConfig());
  tf.dispose([x, y]);
  model.dispose();
  loaded.dispose();
});
