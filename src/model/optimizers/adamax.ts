// Adamax, Keras form: u = max(b2*u, |g|); w -= lr * m / ((1 - b1^t) * (u + eps)).
import * as tf from '@tensorflow/tfjs';
import { ExpOptimizer, requireRange, type ArrayStep, type BaseOptimizerConfig } from './base.ts';

export interface AdamaxConfig extends BaseOptimizerConfig {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class ExpAdamax extends ExpOptimizer {
  static className = 'ExpAdamax';
  readonly optimizerName = 'adamax' as const;
  protected readonly slotNames = ['m', 'u'] as const;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(config: AdamaxConfig = {}) {
    super(config, 0.001);
    this.beta1 = requireRange(config.beta1 ?? 0.9, 0, 1, 'beta_1');
    this.beta2 = requireRange(config.beta2 ?? 0.999, 0, 1, 'beta_2');
    this.epsilon = config.epsilon ?? 1e-7;
  }

  protected updateVariable(w: tf.Variable, g: tf.Tensor, s: Record<string, tf.Variable>, t: number, lr: number): void {
    const m = tf.add(s.m, tf.mul(tf.sub(g, s.m), this.c(1 - this.beta1)));
    const u = tf.maximum(tf.mul(s.u, this.c(this.beta2)), tf.abs(g));
    s.m.assign(m);
    s.u.assign(u);
    const scale = lr / (1 - this.beta1 ** t);
    w.assign(tf.sub(w, tf.div(tf.mul(m, this.c(scale)), tf.add(u, this.c(this.epsilon)))));
  }

  protected updateArrays({ w, g, gScale, decay, s, t, lr, out }: ArrayStep): void {
    const { m, u } = s;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const eps = this.epsilon;
    const scale = lr / (1 - b1 ** t);
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] * gScale;
      const mi = m[i] + (gi - m[i]) * (1 - b1);
      const ui = Math.max(b2 * u[i], Math.abs(gi));
      m[i] = mi;
      u[i] = ui;
      out[i] = w[i] - w[i] * decay - (scale * mi) / (ui + eps);
    }
  }

  protected ownConfig(): tf.serialization.ConfigDict {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(ExpAdamax);
