// Common base of every exp optimizer: a real tf.Optimizer (so model.compile / model.fit and
// model.save with the optimizer work) whose learning rate and momentum the training loop
// can set between steps, with decoupled weight decay and per-tensor clipnorm.
//
// Hand-rolled instead of wrapping tfjs's built-ins because those fix the learning rate at
// construction, fold it differently into momentum (tfjs: w -= lr * (m*acc + g); Keras:
// v = m*v - lr*g, which differs as soon as the rate changes per step), use different
// epsilon placement for rmsprop/adam, have no weight decay or clipping, and lack nadam.
// All update rules follow Keras (TF2 / Keras 3) so results are comparable to the notebook.
import * as tf from '@tensorflow/tfjs';
import { ExpError } from '../../errors.ts';
import type { OptimizerName } from '../types.ts';

/** Hyper-parameters every optimizer takes (camelCase: tfjs converts saved snake_case keys to camelCase on load). */
export interface BaseOptimizerConfig {
  learningRate?: number;
  /** Decoupled: each step w -= learningRate * weightDecay * w, before the update. */
  weightDecay?: number;
  /** Clip each gradient tensor to this L2 norm (Keras clipnorm). */
  clipnorm?: number | null;
}

type Slots = Record<string, tf.Variable>;
export type ArraySlots = Record<string, Float32Array>;

/** tfjs-core's NamedTensor (not re-exported by @tensorflow/tfjs). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/**
 * How updates are computed. tensor: tfjs ops (any backend; right for GPU and native
 * TensorFlow, where reading values back would force a device sync, and for wasm, whose
 * SIMD elementwise kernels match a JS loop). array: one fused JS loop per variable over the
 * values, used on the pure-JS cpu backend, where each of the 12-16 elementwise ops of a
 * Keras update is a slow generic loop plus an allocation. Measured on the deep network
 * (370k weights, src/model/bench.ts, loaded 2-core machine): cpu nadam 270 ms/step as ops vs
 * 6 ms fused; wasm nadam 9 vs 9 ms, adam 6 vs 8, sgd 0.7 vs 3.3. auto: array on cpu, tensor
 * elsewhere. Both follow the same rule and are tested against the same float64 reference.
 */
export type UpdateMode = 'auto' | 'tensor' | 'array';

/** What the fused loop of one variable gets. */
export interface ArrayStep {
  /** Current weights (read only). */
  w: Float32Array;
  /** Gradient (read only); multiply by gScale (clipnorm) before use. */
  g: Float32Array;
  gScale: number;
  /** Decoupled weight decay factor lr * weight_decay: w -= decay * w before the update. */
  decay: number;
  /** Slot arrays, updated in place. */
  s: ArraySlots;
  /** 1-based step. */
  t: number;
  lr: number;
  /** New weights, written by the loop. */
  out: Float32Array;
}

export abstract class ExpOptimizer extends tf.Optimizer {
  /** The YAML name of the optimizer. */
  abstract readonly optimizerName: OptimizerName;
  protected lr: number;
  readonly weightDecay: number;
  readonly clipnorm: number | null;
  /** See UpdateMode; not serialized (a property of the machine, not of the model). */
  updateMode: UpdateMode;
  /** Per model-variable name, its slot variables (m, v, ...), in tensor mode. */
  private slots = new Map<string, Slots>();
  /** The same in array mode. A variable's slots live in exactly one of the two maps. */
  private arraySlots = new Map<string, ArraySlots>();

  constructor(config: BaseOptimizerConfig & { updateMode?: UpdateMode }, defaultLearningRate: number) {
    super();
    this.lr = config.learningRate ?? defaultLearningRate;
    this.weightDecay = config.weightDecay ?? 0;
    this.clipnorm = config.clipnorm ?? null;
    this.updateMode = config.updateMode ?? 'auto';
    if (!(this.lr > 0)) throw new ExpError('spec', { path: 'optimizer.learning_rate', message: `must be > 0, got ${this.lr}` });
    if (!(this.weightDecay >= 0)) throw new ExpError('spec', { path: 'optimizer.weight_decay', message: `must be >= 0, got ${this.weightDecay}` });
    if (this.clipnorm != null && !(this.clipnorm > 0)) throw new ExpError('spec', { path: 'optimizer.clipnorm', message: `must be > 0, got ${this.clipnorm}` });
  }

  /** Learning rate used by the next step; the training loop sets it from the schedule. */
  get learningRate(): number {
    return this.lr;
  }

  set learningRate(value: number) {
    if (!(value >= 0) || !Number.isFinite(value)) throw new Error(`learning rate must be a finite number >= 0, got ${value}`);
    this.lr = value;
  }

  /** Number of steps applied so far (Keras's `iterations`). */
  get step(): number {
    return this.iterations;
  }

  /** Whether setMomentum works (sgd, rmsprop), i.e. a momentum_schedule applies. */
  get supportsMomentum(): boolean {
    return false;
  }

  /** Current momentum, or null for optimizers without one. */
  get momentum(): number | null {
    return null;
  }

  setMomentum(_value: number): void {
    throw new ExpError('spec', {
      path: 'optimizer.momentum_schedule',
      message: `${this.optimizerName} has no momentum to ramp`,
      hint: 'a momentum_schedule applies to sgd (and rmsprop)',
    });
  }

  /** Slot names in creation order, e.g. ['m', 'v']. */
  protected abstract readonly slotNames: readonly string[];

  /** Initial value of a slot (adagrad starts its accumulator at 0.1). */
  protected slotInitialValue(_slot: string): number {
    return 0;
  }

  /** Once per step before the per-variable updates; `t` is the 1-based step being applied. */
  protected beginStep(_t: number): void {}

  /** Once per step after the per-variable updates (releases what beginStep made). */
  protected endStep(): void {}

  /**
   * A step coefficient as a scalar tensor, made once per step and shared by every variable:
   * `tf.mul(x, 0.9)` uploads a new scalar on each call, which on wasm cost more than the
   * arithmetic (several uploads per variable per step). Released after the step.
   */
  private stepScalars = new Map<number, tf.Scalar>();
  protected c(value: number): tf.Scalar {
    let sc = this.stepScalars.get(value);
    if (sc == null) {
      sc = tf.keep(tf.scalar(value, 'float32'));
      this.stepScalars.set(value, sc);
    }
    return sc;
  }
  private releaseStepScalars(): void {
    for (const sc of this.stepScalars.values()) sc.dispose();
    this.stepScalars.clear();
  }

  /** Updates one variable in place with tfjs ops (called inside a tidy; gradient already clipped, decay applied). */
  protected abstract updateVariable(variable: tf.Variable, grad: tf.Tensor, slots: Slots, t: number, lr: number): void;

  /** The same update as one loop over the values (array mode, host-memory backends only). */
  protected abstract updateArrays(step: ArrayStep): void;

  /** Extra scalar state to save with the slots (nadam's momentum product). */
  protected extraState(): Record<string, number> {
    return {};
  }

  protected restoreExtraState(_state: Record<string, number>): void {}

  /** The mode the next step uses. */
  activeMode(): 'tensor' | 'array' {
    if (this.updateMode !== 'auto') return this.updateMode;
    return tf.getBackend() === 'cpu' ? 'array' : 'tensor';
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const list: NamedTensor[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    const t = this.iterations + 1;
    const lr = this.lr;
    const mode = this.activeMode();
    this.beginStep(t);
    const registered = tf.engine().registeredVariables;
    for (const { name, tensor } of list) {
      if (tensor == null) continue;
      const variable = registered[name];
      if (variable == null) throw new Error(`applyGradients: no variable named '${name}'`);
      if (!variable.trainable) continue;
      if (mode === 'array') {
        const w = variable.dataSync() as Float32Array;
        const g = tensor.dataSync() as Float32Array;
        const out = new Float32Array(w.length);
        this.updateArrays({ w, g, gScale: this.clipScale(g), decay: lr * this.weightDecay, s: this.arraySlotsFor(name, variable), t, lr, out });
        // A fresh array each step: the cpu backend adopts it as the tensor's storage.
        tf.tidy(() => variable.assign(tf.tensor(out, variable.shape, 'float32')));
      } else {
        const slots = this.slotsFor(name, variable);
        tf.tidy(() => {
          const grad = this.clipnorm == null ? tensor : clipByNorm(tensor, this.clipnorm);
          if (this.weightDecay > 0) variable.assign(tf.sub(variable, tf.mul(variable, this.c(lr * this.weightDecay))));
          this.updateVariable(variable, grad, slots, t, lr);
        });
      }
    }
    this.endStep();
    this.releaseStepScalars();
    this.incrementIterations();
  }

  /** clip / max(|g|, clip), or 1 without clipnorm. */
  private clipScale(g: Float32Array): number {
    if (this.clipnorm == null) return 1;
    let sq = 0;
    for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
    const norm = Math.sqrt(sq);
    return norm > this.clipnorm ? this.clipnorm / norm : 1;
  }

  private slotsFor(name: string, variable: tf.Variable): Slots {
    let s = this.slots.get(name);
    if (s == null) {
      s = {};
      const arrays = this.arraySlots.get(name);
      for (const slot of this.slotNames) {
        const init = this.slotInitialValue(slot);
        s[slot] = tf.tidy(() => (arrays ? tf.tensor(arrays[slot], variable.shape, 'float32') : tf.fill(variable.shape, init, 'float32')).variable(false));
      }
      this.arraySlots.delete(name);
      this.slots.set(name, s);
    }
    return s;
  }

  private arraySlotsFor(name: string, variable: tf.Variable): ArraySlots {
    let s = this.arraySlots.get(name);
    if (s == null) {
      s = {};
      const vars = this.slots.get(name);
      for (const slot of this.slotNames) {
        s[slot] = vars ? Float32Array.from(vars[slot].dataSync() as Float32Array) : new Float32Array(variable.size).fill(this.slotInitialValue(slot));
      }
      if (vars) for (const v of Object.values(vars)) v.dispose();
      this.slots.delete(name);
      this.arraySlots.set(name, s);
    }
    return s;
  }

  override dispose(): void {
    for (const s of this.slots.values()) for (const v of Object.values(s)) v.dispose();
    this.slots.clear();
    this.arraySlots.clear();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const [key, value] of Object.entries(this.extraState())) out.push({ name: `@${key}`, tensor: tf.scalar(value) });
    for (const [varName, s] of this.slots) {
      for (const slot of this.slotNames) out.push({ name: `${varName}/${slot}`, tensor: s[slot] });
    }
    const registered = tf.engine().registeredVariables;
    for (const [varName, s] of this.arraySlots) {
      const shape = registered[varName]?.shape ?? [s[this.slotNames[0]].length];
      for (const slot of this.slotNames) out.push({ name: `${varName}/${slot}`, tensor: tf.tensor(s[slot], shape, 'float32') });
    }
    return out;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.dispose();
    const extra: Record<string, number> = {};
    for (const { name, tensor } of rest) {
      if (name.startsWith('@')) {
        extra[name.slice(1)] = (await tensor.data())[0];
        continue;
      }
      // Restored as variables; array mode converts them on first use.
      const cut = name.lastIndexOf('/');
      const varName = name.slice(0, cut);
      const slot = name.slice(cut + 1);
      const s = this.slots.get(varName) ?? {};
      s[slot] = tensor.variable(false);
      this.slots.set(varName, s);
    }
    this.restoreExtraState(extra);
  }

  /** Optimizer-specific hyper-parameters for getConfig. */
  protected abstract ownConfig(): tf.serialization.ConfigDict;

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.lr, weightDecay: this.weightDecay, clipnorm: this.clipnorm, ...this.ownConfig() };
  }
}

/** g * clip / max(|g|, clip): Keras's clipnorm, per gradient tensor. */
function clipByNorm(g: tf.Tensor, clip: number): tf.Tensor {
  const norm = tf.norm(g);
  return tf.div(tf.mul(g, clip), tf.maximum(norm, clip));
}

export function requireRange(value: number, lo: number, hi: number, key: string, inclusiveLo = false): number {
  const okLo = inclusiveLo ? value >= lo : value > lo;
  if (!(okLo && value < hi)) {
    throw new ExpError('spec', { path: `optimizer.${key}`, message: `must be in ${inclusiveLo ? '[' : '('}${lo}, ${hi}), got ${value}` });
  }
  return value;
}
