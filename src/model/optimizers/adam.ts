// Adam, Keras form: alpha = lr * sqrt(1 - b2^t) / (1 - b1^t); w -= alpha * m / (sqrt(v) + eps).
import * as tf from '@tensorflow/tfjs';
import { ExpOptimizer, requireRange, type ArrayStep, type BaseOptimizerConfig } from './base.ts';

export interface AdamConfig extends BaseOptimizerConfig {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class ExpAdam extends ExpOptimizer {
  static className = 'ExpAdam';
  readonly optimizerName = 'adam' as const;
  protected readonly slotNames = ['m', 'v'] as const;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(config: AdamConfig = {}) {
    super(config, 0.001);
    this.beta1 = requireRange(config.beta1 ?? 0.9, 0, 1, 'beta_1');
    this.beta2 = requireRange(config.beta2 ?? 0.999, 0, 1, 'beta_2');
    this.epsilon = config.epsilon ?? 1e-7;
  }

  protected updateVariable(w: tf.Variable, g: tf.Tensor, s: Record<string, tf.Variable>, t: number, lr: number): void {
    const alpha = (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    const m = tf.add(s.m, tf.mul(tf.sub(g, s.m), this.c(1 - this.beta1)));
    const v = tf.add(s.v, tf.mul(tf.sub(tf.square(g), s.v), this.c(1 - this.beta2)));
    s.m.assign(m);
    s.v.assign(v);
    w.assign(tf.sub(w, tf.div(tf.mul(m, this.c(alpha)), tf.add(tf.sqrt(v), this.c(this.epsilon)))));
  }

  protected updateArrays({ w, g, gScale, decay, s, t, lr, out }: ArrayStep): void {
    const { m, v } = s;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const eps = this.epsilon;
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] * gScale;
      const mi = m[i] + (gi - m[i]) * (1 - b1);
      const vi = v[i] + (gi * gi - v[i]) * (1 - b2);
      m[i] = mi;
      v[i] = vi;
      out[i] = w[i] - w[i] * decay - (alpha * mi) / (Math.sqrt(vi) + eps);
    }
  }

  protected ownConfig(): tf.serialization.ConfigDict {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(ExpAdam);
