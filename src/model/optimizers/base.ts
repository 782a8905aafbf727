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

/** tfjs-core's NamedTensor (not re-exported by @tensorflow/tfjs). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export abstract class ExpOptimizer extends tf.Optimizer {
  /** The YAML name of the optimizer. */
  abstract readonly optimizerName: OptimizerName;
  protected lr: number;
  readonly weightDecay: number;
  readonly clipnorm: number | null;
  /** Per model-variable name, its slot variables (m, v, ...). */
  private slots = new Map<string, Slots>();

  constructor(config: BaseOptimizerConfig, defaultLearningRate: number) {
    super();
    this.lr = config.learningRate ?? defaultLearningRate;
    this.weightDecay = config.weightDecay ?? 0;
    this.clipnorm = config.clipnorm ?? null;
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
      hint: 'a momentum_schedule applies to sgd and rmsprop',
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

  /** Updates one variable in place (called inside a tidy). */
  protected abstract updateVariable(variable: tf.Variable, grad: tf.Tensor, slots: Slots, t: number, lr: number): void;

  /** Extra scalar state to save with the slots (nadam's momentum product). */
  protected extraState(): Record<string, number> {
    return {};
  }

  protected restoreExtraState(_state: Record<string, number>): void {}

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const list: NamedTensor[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    const t = this.iterations + 1;
    const lr = this.lr;
    this.beginStep(t);
    const registered = tf.engine().registeredVariables;
    for (const { name, tensor } of list) {
      if (tensor == null) continue;
      const variable = registered[name];
      if (variable == null) throw new Error(`applyGradients: no variable named '${name}'`);
      if (!variable.trainable) continue;
      const slots = this.slotsFor(name, variable);
      tf.tidy(() => {
        const grad = this.clipnorm == null ? tensor : clipByNorm(tensor, this.clipnorm);
        if (this.weightDecay > 0) variable.assign(tf.sub(variable, tf.mul(variable, lr * this.weightDecay)));
        this.updateVariable(variable, grad, slots, t, lr);
      });
    }
    this.incrementIterations();
  }

  private slotsFor(name: string, variable: tf.Variable): Slots {
    let s = this.slots.get(name);
    if (s == null) {
      s = {};
      for (const slot of this.slotNames) {
        const init = this.slotInitialValue(slot);
        s[slot] = tf.tidy(() => tf.fill(variable.shape, init, 'float32').variable(false));
      }
      this.slots.set(name, s);
    }
    return s;
  }

  override dispose(): void {
    for (const s of this.slots.values()) for (const v of Object.values(s)) v.dispose();
    this.slots.clear();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const [key, value] of Object.entries(this.extraState())) out.push({ name: `@${key}`, tensor: tf.scalar(value) });
    for (const [varName, s] of this.slots) {
      for (const slot of this.slotNames) out.push({ name: `${varName}/${slot}`, tensor: s[slot] });
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
