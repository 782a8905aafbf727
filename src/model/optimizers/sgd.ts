// SGD with (Nesterov) momentum, Keras form: v = m*v - lr*g; w += v (nesterov: w += m*v - lr*g).
// The velocity slot always exists so a momentum ramp starting at 0 behaves like Keras from step 1.
import * as tf from '@tensorflow/tfjs';
import { ExpOptimizer, requireRange, type ArrayStep, type BaseOptimizerConfig } from './base.ts';

export interface SgdConfig extends BaseOptimizerConfig {
  momentum?: number;
  nesterov?: boolean;
}

export class ExpSGD extends ExpOptimizer {
  static className = 'ExpSGD';
  readonly optimizerName = 'sgd' as const;
  protected readonly slotNames = ['momentum'] as const;
  private mom: number;
  readonly nesterov: boolean;

  constructor(config: SgdConfig = {}) {
    super(config, 0.01);
    this.mom = requireRange(config.momentum ?? 0, 0, 1, 'momentum', true);
    this.nesterov = config.nesterov ?? false;
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
    const v = s.momentum;
    const lrG = tf.mul(g, this.c(lr));
    const vNew = tf.sub(tf.mul(v, this.c(this.mom)), lrG);
    v.assign(vNew);
    w.assign(this.nesterov ? tf.add(w, tf.sub(tf.mul(vNew, this.c(this.mom)), lrG)) : tf.add(w, vNew));
  }

  protected updateArrays({ w, g, gScale, decay, s, lr, out }: ArrayStep): void {
    const v = s.momentum;
    const mom = this.mom;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] * gScale;
      const wi = w[i] - w[i] * decay;
      const vi = mom * v[i] - lr * gi;
      v[i] = vi;
      out[i] = this.nesterov ? wi + mom * vi - lr * gi : wi + vi;
    }
  }

  protected ownConfig(): tf.serialization.ConfigDict {
    return { momentum: this.mom, nesterov: this.nesterov };
  }
}
tf.serialization.registerClass(ExpSGD);
