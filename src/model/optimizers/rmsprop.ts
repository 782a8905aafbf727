// RMSprop, Keras 3 form: v = rho v + (1-rho) g^2; inc = lr g / sqrt(v + eps);
// mom = momentum * mom + inc; w -= mom. With momentum 0 this is plain RMSprop; the
// momentum slot always exists so a momentum ramp can start from 0.
import * as tf from '@tensorflow/tfjs';
import { ExpOptimizer, requireRange, type ArrayStep, type BaseOptimizerConfig } from './base.ts';

export interface RmspropConfig extends BaseOptimizerConfig {
  rho?: number;
  momentum?: number;
  epsilon?: number;
}

export class ExpRMSprop extends ExpOptimizer {
  static className = 'ExpRMSprop';
  readonly optimizerName = 'rmsprop' as const;
  protected readonly slotNames = ['velocity', 'momentum'] as const;
  readonly rho: number;
  readonly epsilon: number;
  private mom: number;

  constructor(config: RmspropConfig = {}) {
    super(config, 0.001);
    this.rho = requireRange(config.rho ?? 0.9, 0, 1, 'rho');
    this.mom = requireRange(config.momentum ?? 0, 0, 1, 'momentum', true);
    this.epsilon = config.epsilon ?? 1e-7;
  }

  override get supportsMomentum(): boolean {
    return true;
  }

  override get momentum(): number {
    return this.mom;
  }

  override setMomentum(value: number): void {
    this.mom = requireRange(value, 0, 1, 'momentum', true);
  }

  protected updateVariable(w: tf.Variable, g: tf.Tensor, s: Record<string, tf.Variable>, _t: number, lr: number): void {
    const v = tf.add(tf.mul(s.velocity, this.c(this.rho)), tf.mul(tf.square(g), this.c(1 - this.rho)));
    s.velocity.assign(v);
    const inc = tf.div(tf.mul(g, this.c(lr)), tf.sqrt(tf.add(v, this.c(this.epsilon))));
    const mom = tf.add(tf.mul(s.momentum, this.c(this.mom)), inc);
    s.momentum.assign(mom);
    w.assign(tf.sub(w, mom));
  }

  protected updateArrays({ w, g, gScale, decay, s, lr, out }: ArrayStep): void {
    const { velocity, momentum } = s;
    const rho = this.rho;
    const eps = this.epsilon;
    const mom = this.mom;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] * gScale;
      const vi = rho * velocity[i] + (1 - rho) * gi * gi;
      velocity[i] = vi;
      const mi = mom * momentum[i] + (lr * gi) / Math.sqrt(vi + eps);
      momentum[i] = mi;
      out[i] = w[i] - w[i] * decay - mi;
    }
  }

  protected ownConfig(): tf.serialization.ConfigDict {
    return { rho: this.rho, momentum: this.mom, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(ExpRMSprop);
