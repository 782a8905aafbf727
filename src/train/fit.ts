// The training loop `exp run` uses for every model: a custom mini-batch loop instead of
// LayersModel.fit, because fit's per-batch machinery (callbacks, logs, per-batch syncs, its own
// copy of each batch) dominated a step on CPU backends, and because we need per-step learning
// rates, seeded per-epoch shuffles, in-memory checkpoints and a clean Ctrl-C.
import * as tf from '@tensorflow/tfjs';
import { rocAuc } from '../evaluate/auc.ts';
import { ExpError } from '../errors.ts';
import { LOSSES, baseLearningRate, learningRateAt, momentumAt, regularizationLoss } from '../model/index.ts';
import type { LossName, OptimizerSpec } from '../model/types.ts';
import { Rng } from '../util/rng.ts';
import { BatchAssembler } from './batches.ts';
import { installFastKernels } from './fast-kernels.ts';
import { unfuseInputLayer } from './input-layer.ts';
import { silentProgress, type ProgressReporter } from './progress.ts';

export interface Matrix {
  /** rows x cols, row-major. */
  x: Float32Array;
  /** rows labels (0/1 for classification). */
  y: Float32Array;
  rows: number;
  cols: number;
}

export type MetricName = 'loss' | 'accuracy' | 'val_loss' | 'val_accuracy' | 'val_auc';

export interface EarlyStoppingOptions {
  monitor: MetricName;
  mode: 'auto' | 'min' | 'max';
  patience: number;
  min_delta: number;
  restore_best_weights: boolean;
}

export interface EpochMetrics {
  /** 1-based. */
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number | null;
  val_accuracy: number | null;
  val_auc: number | null;
  /** Learning rate of the epoch's last step. */
  learning_rate: number;
  /** Wall time of the epoch including validation. */
  seconds: number;
  /** Training samples per second (training phase only). */
  samples_per_s: number;
}

export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

export interface FitOptions {
  model: tf.LayersModel;
  /** Any tf.Optimizer; its learning rate/momentum are set through lrAt/momentumAt when given. */
  optimizer: tf.Optimizer;
  /** A loss of the spec (Keras semantics, src/model/losses.ts) or a function; layer penalties are added. */
  loss: LossName | LossFn;
  train: Matrix;
  validation?: Matrix | null;
  batchSize: number;
  epochs: number;
  seed: number;
  /** Reshuffle the training rows every epoch (seeded). Default true. */
  shuffle?: boolean;
  earlyStopping?: EarlyStoppingOptions | null;
  /** Keep the best epoch's weights in memory (monitor: earlyStopping.monitor, else val_loss, else loss). Default true. */
  checkpoint?: boolean;
  /**
   * The spec's optimizer section: its schedule and momentum_schedule drive the learning rate
   * before every step and the momentum at every epoch start (src/model/schedules.ts). lrAt and
   * momentumAt, when given, take precedence.
   */
  optimizerSpec?: OptimizerSpec;
  /** Learning rate for global step `step` (0-based) in epoch `epoch` (0-based). */
  lrAt?: (step: number, epoch: number) => number;
  /** Momentum for epoch `epoch` (0-based), set at the start of the epoch. */
  momentumAt?: (epoch: number) => number;
  onEpochEnd?: (metrics: EpochMetrics) => void | Promise<void>;
  /** Called after the checkpoint improved at this (1-based) epoch. */
  onBest?: (epoch: number, metrics: EpochMetrics) => void | Promise<void>;
  /** Abort: training stops after the current batch; completed epochs are kept. */
  signal?: AbortSignal;
  progress?: ProgressReporter;
  /** Batch size for validation predictions (default 10,000). */
  evalBatchSize?: number;
  /**
   * Run a first Dense layer as separate matMul + bias + activation ops during training so that
   * backpropagation skips the gradient with respect to the input (see input-layer.ts). Default
   * true; false trains exactly as tfjs's Dense does (tests compare the two).
   */
  skipInputGradient?: boolean;
  /** Called after every optimizer step with the global step count (benchmarks time steady state with it). */
  onStep?: (steps: number) => void;
}

export interface Checkpoint {
  /** 1-based epoch whose end-of-epoch weights these are. */
  epoch: number;
  monitor: MetricName;
  value: number;
  /** Copies of model.weights (trainable and not), in model.weights order. */
  weights: Float32Array[];
}

export interface FitResult {
  history: EpochMetrics[];
  interrupted: boolean;
  /** 1-based epoch after which early stopping ended training, or null. */
  stoppedEarlyAt: number | null;
  /** True when early stopping restored the best weights into the model. */
  restoredBest: boolean;
  /** The best-epoch checkpoint (null when checkpointing is off or no epoch completed). */
  best: Checkpoint | null;
  steps: number;
}

function resolveLoss(loss: FitOptions['loss']): LossFn {
  if (typeof loss === 'function') return loss;
  const fn = LOSSES[loss];
  if (!fn) throw new ExpError('model', { message: `unknown loss "${String(loss)}"`, hint: `use one of ${Object.keys(LOSSES).join(', ')}` });
  return fn;
}

/** The layers' regularization penalties (a Sequential's own calculateLosses() can be empty before it is built). */
function penalties(model: tf.LayersModel): tf.Scalar[] {
  return model.layers.flatMap((layer) => layer.calculateLosses());
}

/** Steps (mini-batches) per epoch for `rows` training rows. */
export function stepsPerEpoch(rows: number, batchSize: number): number {
  return Math.ceil(rows / batchSize);
}

/** lrAt / momentumAt from the spec's optimizer section (schedule, momentum_schedule). */
export function schedulesFromSpec(spec: OptimizerSpec, epochs: number, steps: number): Pick<FitOptions, 'lrAt' | 'momentumAt'> {
  const base = baseLearningRate(spec);
  const ramp = spec.momentum_schedule;
  return {
    lrAt: spec.schedule ? (step, epoch) => learningRateAt(spec.schedule, base, { step, epoch, epochs, stepsPerEpoch: steps }) : undefined,
    momentumAt: ramp ? (epoch) => momentumAt(ramp, epoch) : undefined,
  };
}

/** Number of correct 0/1 predictions (threshold 0.5, as Keras binary_accuracy) in a batch. */
function correctCount(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.greater(yPred, 0.5), tf.greater(yTrue, 0.5)), 'float32'));
}

function modeFor(monitor: MetricName, mode: 'auto' | 'min' | 'max'): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return monitor.includes('acc') || monitor.includes('auc') ? 'max' : 'min';
}

/** Sets the optimizer's learning rate through whatever it exposes. */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  const o = opt as unknown as { setLearningRate?: (v: number) => void; learningRate?: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else if ('learningRate' in o) o.learningRate = lr;
}

export function getLearningRate(opt: tf.Optimizer): number {
  const o = opt as unknown as { learningRate?: number };
  return typeof o.learningRate === 'number' ? o.learningRate : NaN;
}

export function setMomentum(opt: tf.Optimizer, m: number): void {
  const o = opt as unknown as { setMomentum?: (v: number) => void; momentum?: number };
  if (typeof o.setMomentum === 'function') o.setMomentum(m);
  else if ('momentum' in o) o.momentum = m;
  else if ('beta1' in o) (o as { beta1: number }).beta1 = m;
}

/** Copies of every model weight, in model.weights order. */
export function snapshotWeights(model: tf.LayersModel): Float32Array[] {
  return model.weights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
}

/** Writes weight copies (from snapshotWeights) back into the model. */
export function restoreWeights(model: tf.LayersModel, weights: Float32Array[]): void {
  const ws = model.weights;
  if (ws.length !== weights.length) throw new Error(`restoreWeights: model has ${ws.length} weights, got ${weights.length}`);
  const tensors = ws.map((w, i) => tf.tensor(weights[i], w.shape as number[], 'float32'));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Model outputs for rows of x, in chunks of batchSize rows; one value per row and output unit. */
export function predict(model: tf.LayersModel, x: Float32Array, rows: number, cols: number, batchSize = 10000): Float32Array {
  let out: Float32Array | null = null;
  let units = 1;
  for (let start = 0; start < rows; start += batchSize) {
    const n = Math.min(batchSize, rows - start);
    const vals = tf.tidy(() => {
      const xt = tf.tensor2d(x.subarray(start * cols, (start + n) * cols), [n, cols]);
      return (model.apply(xt, { training: false }) as tf.Tensor).dataSync() as Float32Array;
    });
    if (out === null) {
      units = vals.length / n;
      out = new Float32Array(rows * units);
    }
    out.set(vals, start * units);
  }
  return out ?? new Float32Array(0);
}

interface EvalResult {
  loss: number;
  accuracy: number;
  auc: number;
}

function evaluate(model: tf.LayersModel, lossFn: LossFn, data: Matrix, batchSize: number): EvalResult {
  const scores = new Float32Array(data.rows);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < data.rows; start += batchSize) {
    const n = Math.min(batchSize, data.rows - start);
    const [l, c, p] = tf.tidy(() => {
      const xt = tf.tensor2d(data.x.subarray(start * data.cols, (start + n) * data.cols), [n, data.cols]);
      const yt = tf.tensor2d(data.y.subarray(start, start + n), [n, 1]);
      const pred = model.apply(xt, { training: false }) as tf.Tensor;
      return [lossFn(yt, pred).dataSync()[0], correctCount(yt, pred).dataSync()[0], pred.dataSync() as Float32Array];
    });
    lossSum += l * n;
    correct += c;
    scores.set(p.subarray(0, n), start);
  }
  const reg = tf.tidy(() => regularizationLoss(model).dataSync()[0]);
  return { loss: lossSum / data.rows + reg, accuracy: correct / data.rows, auc: rocAuc(scores, data.y) };
}

function validateMatrix(name: string, m: Matrix): void {
  if (m.x.length !== m.rows * m.cols || m.y.length !== m.rows) {
    throw new ExpError('run', `${name} data: x has ${m.x.length} values and y ${m.y.length} for ${m.rows} rows x ${m.cols} columns`);
  }
}

/** Yield to the event loop so that SIGINT handlers and the progress bar get a turn. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Trains model on opts.train; see FitOptions. */
export async function fit(opts: FitOptions): Promise<FitResult> {
  const { model, optimizer, train, batchSize, epochs } = opts;
  const validation = opts.validation ?? null;
  validateMatrix('training', train);
  if (validation) validateMatrix('validation', validation);
  if (!(batchSize >= 1)) throw new ExpError('run', `batch size must be >= 1, got ${batchSize}`);
  if (train.rows === 0) throw new ExpError('run', 'no training events');
  if (tf.getBackend() === 'wasm') installFastKernels();

  const lossFn = resolveLoss(opts.loss);
  const progress = opts.progress ?? silentProgress;
  const shuffle = opts.shuffle ?? true;
  const evalBatch = opts.evalBatchSize ?? 10000;
  const rng = new Rng(opts.seed).fork('shuffle');
  const assembler = new BatchAssembler(train.x, train.y, train.cols, batchSize);
  const trainVars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const steps = stepsPerEpoch(train.rows, batchSize);
  const fromSpec = opts.optimizerSpec ? schedulesFromSpec(opts.optimizerSpec, epochs, steps) : {};
  const lrAt = opts.lrAt ?? fromSpec.lrAt;
  const momentumAtEpoch = opts.momentumAt ?? fromSpec.momentumAt;

  const es = opts.earlyStopping ?? null;
  if (es && es.monitor.startsWith('val_') && !validation) {
    throw new ExpError('run', {
      message: `early_stopping.monitor is ${es.monitor} but there are no validation events`,
      hint: 'set split.validation_fraction > 0, or monitor loss or accuracy',
    });
  }
  const esMode = es ? modeFor(es.monitor, es.mode) : 'min';
  let esBest = esMode === 'min' ? Infinity : -Infinity;
  let esBestWeights: Float32Array[] | null = null;
  let esWait = 0;

  const ckptMonitor: MetricName = es?.monitor ?? (validation ? 'val_loss' : 'loss');
  const ckptMode = es ? esMode : 'min';
  const checkpointOn = opts.checkpoint ?? true;
  let best: Checkpoint | null = null;

  const history: EpochMetrics[] = [];
  let step = 0;
  let interrupted = false;
  let stoppedEarlyAt: number | null = null;
  let restoredBest = false;
  let lr = getLearningRate(optimizer);

  const restoreInputLayer = (opts.skipInputGradient ?? true) ? unfuseInputLayer(model) : () => {};
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (opts.signal?.aborted) {
        interrupted = true;
        break;
      }
      if (momentumAtEpoch) setMomentum(optimizer, momentumAtEpoch(epoch));
      const order = shuffle ? rng.fork(`epoch-${epoch}`).permutation(train.rows) : null;
      progress.epochStart(epoch + 1, epochs, train.rows);
      const t0 = performance.now();
      let lastYield = t0;
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      // Per-step scalars are read in groups: a read forces a device sync on GPU backends.
      let pending: Array<[tf.Scalar, tf.Scalar, number]> = [];
      const flush = (): void => {
        for (const [l, c, n] of pending) {
          lossSum += (l.dataSync()[0] as number) * n;
          correct += c.dataSync()[0] as number;
          seen += n;
          l.dispose();
          c.dispose();
        }
        pending = [];
      };

      for (let s = 0; s < steps; s++) {
        const start = s * batchSize;
        const n = Math.min(batchSize, train.rows - start);
        if (lrAt) {
          const next = lrAt(step, epoch);
          if (next !== lr) {
            setLearningRate(optimizer, next);
            lr = next;
          }
        }
        const batch = assembler.fill(order, start, n);
        const [lossT, correctT] = tf.tidy(() => {
          const xb = tf.tensor2d(batch.x, [n, train.cols]);
          const yb = tf.tensor2d(batch.y, [n, 1]);
          let correctB: tf.Scalar | null = null;
          const { value, grads } = tf.variableGrads(() => {
            const pred = model.apply(xb, { training: true }) as tf.Tensor;
            correctB = tf.keep(correctCount(yb, pred));
            const terms = penalties(model);
            const data = lossFn(yb, pred);
            return terms.length === 0 ? data : (tf.addN([data, ...terms]) as tf.Scalar);
          }, trainVars);
          optimizer.applyGradients(grads);
          return [value, correctB as unknown as tf.Scalar];
        });
        pending.push([lossT, correctT, n]);
        step++;
        opts.onStep?.(step);
        if (pending.length >= 32) {
          flush();
          progress.update(seen, lossSum / seen);
        }
        if (opts.signal?.aborted) {
          interrupted = true;
          break;
        }
        const now = performance.now();
        if (now - lastYield > 100) {
          // Let SIGINT handlers and the progress bar run; ~0.1% of the time at this rate.
          lastYield = now;
          await yieldToLoop();
          if (opts.signal?.aborted) {
            interrupted = true;
            break;
          }
        }
      }
      flush();
      if (interrupted) break;
      const trainSeconds = (performance.now() - t0) / 1000;
      progress.update(seen, lossSum / seen);

      const val = validation ? evaluate(model, lossFn, validation, evalBatch) : null;
      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        loss: lossSum / seen,
        accuracy: correct / seen,
        val_loss: val ? val.loss : null,
        val_accuracy: val ? val.accuracy : null,
        val_auc: val ? val.auc : null,
        learning_rate: Number.isNaN(lr) ? getLearningRate(optimizer) : lr,
        seconds: (performance.now() - t0) / 1000,
        samples_per_s: seen / trainSeconds,
      };
      history.push(metrics);
      progress.epochEnd(metrics);

      if (checkpointOn) {
        const v = metricValue(metrics, ckptMonitor);
        if (v != null && (best === null || (ckptMode === 'min' ? v < best.value : v > best.value))) {
          best = { epoch: metrics.epoch, monitor: ckptMonitor, value: v, weights: snapshotWeights(model) };
          if (opts.onBest) await opts.onBest(metrics.epoch, metrics);
        }
      }
      if (opts.onEpochEnd) await opts.onEpochEnd(metrics);

      if (es) {
        const v = metricValue(metrics, es.monitor);
        if (v == null) {
          throw new ExpError('run', {
            message: `early_stopping.monitor is ${es.monitor} but that metric is not computed`,
            hint: 'val_* metrics need validation events',
          });
        }
        const improved = esMode === 'min' ? v < esBest - es.min_delta : v > esBest + es.min_delta;
        if (improved) {
          esBest = v;
          esWait = 0;
          if (es.restore_best_weights) esBestWeights = best?.epoch === metrics.epoch ? best.weights : snapshotWeights(model);
        } else {
          esWait++;
          // Keras semantics: stop once `patience` epochs in a row brought no improvement.
          if (esWait >= es.patience && epoch > 0) {
            stoppedEarlyAt = metrics.epoch;
            if (es.restore_best_weights && esBestWeights) {
              restoreWeights(model, esBestWeights);
              restoredBest = true;
            }
            break;
          }
        }
      }
    }
  } finally {
    restoreInputLayer();
    progress.stop();
  }
  return { history, interrupted, stoppedEarlyAt, restoredBest, best, steps: step };
}

function metricValue(m: EpochMetrics, name: MetricName): number | null {
  const v = m[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
