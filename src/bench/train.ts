// Training-throughput benchmark (issue 7): exp's training path (`fit`, with the wasm kernel
// overrides) against plain tfjs `model.fit` with the stock kernels, measured in the same process so
// that every figure has a same-run ratio (the machines are shared and absolute numbers drift).
import * as tf from '@tensorflow/tfjs';
import { generateHiggsSim } from '../data/sources/higgs-sim/index.ts';
import { compileModel, createOptimizer } from '../model/index.ts';
import type { LayerSpec, OptimizerName } from '../model/types.ts';
import { BatchAssembler } from '../train/batches.ts';
import { fastKernelsInstalled, withOriginalKernels } from '../train/fast-kernels.ts';
import { fit, predict } from '../train/fit.ts';
import { Rng } from '../util/rng.ts';

export type NetworkName = 'deep' | 'shallow';

export interface BenchConfig {
  networks: NetworkName[];
  batchSizes: number[];
  /** Timed steps after warm-up. */
  steps: number;
  warmup: number;
  /** Alternating exp/model.fit rounds per case; each path reports its fastest round. */
  rounds: number;
  optimizer: OptimizerName;
  /** Skip the model.fit baseline (faster, no ratios). */
  baseline: boolean;
  seed: number;
  log: (msg: string) => void;
}

export interface Figure {
  samples_per_s: number;
  ms_per_step: number;
}

export interface CaseResult {
  network: NetworkName;
  params: number;
  batch_size: number;
  steps: number;
  exp: Figure;
  baseline: Figure | null;
  /** exp samples/s divided by baseline samples/s. */
  speedup: number | null;
  /** Process peak RSS (MB) after this case. */
  peak_rss_mb: number;
}

export interface InferenceResult {
  network: NetworkName;
  batch_size: number;
  exp_samples_per_s: number;
  baseline_samples_per_s: number | null;
  speedup: number | null;
}

export interface PipelineResult {
  /** Shuffle (permutation) + batch assembly, rows per second, at batch 100. */
  samples_per_s: number;
  /** Ratio to the fastest batch-100 training rate measured in this run. */
  ratio_to_training: number | null;
}

export interface TrainBenchReport {
  cases: CaseResult[];
  inference: InferenceResult[];
  pipeline: PipelineResult;
  peak_rss_mb: number;
}

const COLS = 28;

/** The layer stacks of experiments/deep.yaml and experiments/shallow.yaml. */
export const NETWORKS: Record<NetworkName, LayerSpec[]> = {
  deep: [
    { type: 'dense', units: 300, activation: 'relu', kernel_initializer: 'glorot_normal', repeat: 5 },
    { type: 'dense', units: 1, activation: 'sigmoid', kernel_initializer: 'glorot_uniform' },
  ],
  shallow: [
    { type: 'dense', units: 1000, activation: 'tanh', kernel_initializer: 'glorot_normal' },
    { type: 'dense', units: 1, activation: 'sigmoid', kernel_initializer: 'glorot_uniform' },
  ],
};

export function buildNetwork(name: NetworkName, seed: number): tf.Sequential {
  return compileModel(NETWORKS[name], COLS, { seed, name });
}

/** The optimizer both paths use (the same class and settings), so only the training machinery differs. */
export function benchOptimizer(name: OptimizerName): tf.Optimizer {
  return createOptimizer({ name });
}

export function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}

function simulated(rows: number, seed: number): { x: Float32Array; y: Float32Array; rows: number } {
  return generateHiggsSim({ events: rows, seed });
}

type Sim = { x: Float32Array; y: Float32Array; rows: number };

/** One exp training round of `steps` steps through `fit`; returns ms per step (after `skip` steps). */
async function expRound(model: tf.LayersModel, optimizer: tf.Optimizer, batch: number, steps: number, skip: number, seed: number, data: Sim): Promise<number> {
  let t0 = 0;
  let t1 = 0;
  const total = skip + steps;
  await fit({
    model,
    optimizer,
    loss: 'binary_crossentropy',
    train: { x: data.x.subarray(0, total * batch * COLS), y: data.y.subarray(0, total * batch), rows: total * batch, cols: COLS },
    batchSize: batch,
    epochs: 1,
    seed,
    checkpoint: false,
    onStep: (s) => {
      if (s === skip) t0 = performance.now();
      if (s === total) t1 = performance.now();
    },
  });
  return (t1 - t0) / steps;
}

/** One plain model.fit round with the stock kernels; returns ms per step (after `skip` steps). */
async function baselineRound(model: tf.LayersModel, batch: number, steps: number, skip: number, data: Sim): Promise<number> {
  const reinstall = withOriginalKernels();
  try {
    const total = skip + steps;
    const x = tf.tensor2d(data.x.subarray(0, total * batch * COLS), [total * batch, COLS]);
    const y = tf.tensor2d(data.y.subarray(0, total * batch), [total * batch, 1]);
    let t0 = 0;
    let t1 = 0;
    await model.fit(x, y, {
      batchSize: batch,
      epochs: 1,
      shuffle: true,
      verbose: 0,
      callbacks: {
        onBatchEnd: async (b: number) => {
          if (b === skip - 1) t0 = performance.now();
          if (b === total - 1) t1 = performance.now();
        },
      },
    });
    tf.dispose([x, y]);
    return (t1 - t0) / steps;
  } finally {
    reinstall();
  }
}

const figure = (ms: number, batch: number): Figure => ({ ms_per_step: ms, samples_per_s: (batch * 1000) / ms });

/**
 * Times exp and (optionally) model.fit on the same network and batch size. The two alternate in
 * `rounds` rounds and each reports its fastest round: on a shared machine the load changes from
 * second to second, and best-of-alternating-rounds keeps the ratio fair to both.
 */
async function timeCase(network: NetworkName, batch: number, cfg: BenchConfig, data: Sim): Promise<{ exp: Figure; base: Figure | null }> {
  const expModel = buildNetwork(network, cfg.seed);
  const expOpt = benchOptimizer(cfg.optimizer);
  const baseModel = cfg.baseline ? buildNetwork(network, cfg.seed) : null;
  baseModel?.compile({ optimizer: benchOptimizer(cfg.optimizer), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const perRound = Math.max(1, Math.ceil(cfg.steps / cfg.rounds));
  let bestExp = Infinity;
  let bestBase = Infinity;
  for (let r = 0; r < cfg.rounds; r++) {
    // The first round also warms up (kernel caches, optimizer state): its first steps are not timed.
    const skip = r === 0 ? cfg.warmup : 1;
    if (baseModel) bestBase = Math.min(bestBase, await baselineRound(baseModel, batch, perRound, skip, data));
    bestExp = Math.min(bestExp, await expRound(expModel, expOpt, batch, perRound, skip, cfg.seed + r, data));
  }
  expModel.dispose();
  baseModel?.dispose();
  return { exp: figure(bestExp, batch), base: baseModel ? figure(bestBase, batch) : null };
}

function timeInference(network: NetworkName, cfg: BenchConfig, data: { x: Float32Array; rows: number }): InferenceResult {
  const batch = 10000;
  const rows = Math.min(data.rows, 50000);
  const model = buildNetwork(network, cfg.seed);
  predict(model, data.x, batch, COLS, batch); // warm-up
  let t = performance.now();
  predict(model, data.x, rows, COLS, batch);
  const expRate = rows / ((performance.now() - t) / 1000);
  let base: number | null = null;
  if (cfg.baseline) {
    const reinstall = withOriginalKernels();
    try {
      const x = tf.tensor2d(data.x.subarray(0, rows * COLS), [rows, COLS]);
      tf.tidy(() => (model.predict(x.slice(0, batch), { batchSize: batch }) as tf.Tensor).dataSync());
      t = performance.now();
      tf.tidy(() => (model.predict(x, { batchSize: batch }) as tf.Tensor).dataSync());
      base = rows / ((performance.now() - t) / 1000);
      x.dispose();
    } finally {
      reinstall();
    }
  }
  model.dispose();
  return { network, batch_size: batch, exp_samples_per_s: expRate, baseline_samples_per_s: base, speedup: base ? expRate / base : null };
}

/** Rows per second of a seeded per-epoch permutation plus batch assembly, the data side of fit. */
export function timePipeline(data: { x: Float32Array; y: Float32Array; rows: number }, batch: number, seed: number): number {
  const assembler = new BatchAssembler(data.x, data.y, COLS, batch);
  const rng = new Rng(seed);
  let rows = 0;
  let sink = 0;
  const t = performance.now();
  for (let e = 0; performance.now() - t < 500 || e < 2; e++) {
    const order = rng.fork(`epoch-${e}`).permutation(data.rows);
    for (let s = 0; s + batch <= data.rows; s += batch) {
      const b = assembler.fill(order, s, batch);
      sink += b.x[0];
      rows += batch;
    }
  }
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return rows / ((performance.now() - t) / 1000);
}

export async function runTrainBench(cfg: BenchConfig): Promise<TrainBenchReport> {
  const maxBatch = Math.max(...cfg.batchSizes);
  const rows = Math.max((cfg.warmup + Math.ceil(cfg.steps / cfg.rounds)) * maxBatch, 20000);
  cfg.log(`simulating ${rows} events`);
  const data = simulated(rows, cfg.seed);
  if (tf.getBackend() === 'wasm' && !fastKernelsInstalled()) cfg.log('warning: fast wasm kernels are not installed');

  const cases: CaseResult[] = [];
  for (const network of cfg.networks) {
    for (const batch of cfg.batchSizes) {
      const { exp, base } = await timeCase(network, batch, cfg, data);
      const model = buildNetwork(network, cfg.seed);
      const params = model.countParams();
      model.dispose();
      const c: CaseResult = {
        network,
        params,
        batch_size: batch,
        steps: cfg.steps,
        exp,
        baseline: base,
        speedup: base ? exp.samples_per_s / base.samples_per_s : null,
        peak_rss_mb: peakRssMb(),
      };
      cfg.log(
        `${network} batch ${batch}: exp ${Math.round(exp.samples_per_s)} samples/s` +
          (base ? `, model.fit ${Math.round(base.samples_per_s)} samples/s (x${c.speedup!.toFixed(2)})` : ''),
      );
      cases.push(c);
    }
  }
  const inference = cfg.networks.map((n) => timeInference(n, cfg, data));
  const pipelineRate = timePipeline(data, 100, cfg.seed);
  const train100 = cases.filter((c) => c.batch_size === 100).map((c) => c.exp.samples_per_s);
  return {
    cases,
    inference,
    pipeline: { samples_per_s: pipelineRate, ratio_to_training: train100.length ? pipelineRate / Math.max(...train100) : null },
    peak_rss_mb: peakRssMb(),
  };
}

export interface EventsBenchResult {
  events: number;
  batch_size: number;
  steps: number;
  epochs_completed: number;
  samples_per_s: number;
  val_auc: number | null;
  peak_rss_mb: number;
  rss_before_mb: number;
}

/**
 * Peak RSS of training the deep network on `events` simulated events (75% train, 25%
 * validation) through the real fit path. `maxSteps` caps the epoch (via the abort signal, as
 * Ctrl-C would) so the measurement does not take an hour on a slow machine.
 */
export async function runEventsBench(events: number, batch: number, maxSteps: number | null, seed: number, optimizer: OptimizerName, log: (m: string) => void): Promise<EventsBenchResult> {
  const data = simulated(events, seed);
  const nTrain = Math.floor(events * 0.75);
  const rssBefore = process.memoryUsage().rss / 1048576;
  log(`simulated ${events} events; RSS ${rssBefore.toFixed(0)} MB`);
  const model = buildNetwork('deep', seed);
  const ctrl = new AbortController();
  const t = performance.now();
  let steps = 0;
  const r = await fit({
    model,
    optimizer: benchOptimizer(optimizer),
    loss: 'binary_crossentropy',
    train: { x: data.x.subarray(0, nTrain * COLS), y: data.y.subarray(0, nTrain), rows: nTrain, cols: COLS },
    validation: { x: data.x.subarray(nTrain * COLS), y: data.y.subarray(nTrain), rows: events - nTrain, cols: COLS },
    batchSize: batch,
    epochs: 1,
    seed,
    signal: ctrl.signal,
    onStep: (s) => {
      steps = s;
      if (maxSteps != null && s >= maxSteps) ctrl.abort();
    },
  });
  const secs = (performance.now() - t) / 1000;
  // When capped, still run one full validation pass so its memory is part of the peak.
  if (r.interrupted) predict(model, data.x.subarray(nTrain * COLS), events - nTrain, COLS);
  model.dispose();
  return {
    events,
    batch_size: batch,
    steps,
    epochs_completed: r.history.length,
    samples_per_s: (steps * batch) / secs,
    val_auc: r.history[0]?.val_auc ?? null,
    peak_rss_mb: peakRssMb(),
    rss_before_mb: rssBefore,
  };
}
