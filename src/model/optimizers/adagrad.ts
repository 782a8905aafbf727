// Adagrad, Keras form: acc += g^2 (acc starts at 0.1); w -= lr g / sqrt(acc + eps).
import * as tf from '@tensorflow/tfjs';
import { ExpOptimizer, type ArrayStep, type BaseOptimizerConfig } from './base.ts';

export interface AdagradConfig extends BaseOptimizerConfig {
  epsilon?: number;
  initialAccumulatorValue?: number;
}

export class ExpAdagrad extends ExpOptimizer {
  static className = 'ExpAdagrad';
  readonly optimizerName = 'adagrad' as const;
  protected readonly slotNames = ['accumulator'] as const;
  readonly epsilon: number;
  readonly initialAccumulatorValue: number;

  constructor(config: AdagradConfig = {}) {
    super(config, 0.001);
    this.epsilon = config.epsilon ?? 1e-7;
    this.initialAccumulatorValue = config.initialAccumulatorValue ?? 0.1;
  }

  protected override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }

  protected updateVariable(w: tf.Variable, g: tf.Tensor, s: Record<string, tf.Variable>, _t: number, lr: number): void {
    const acc = tf.add(s.accumulator, tf.square(g));
    s.accumulator.assign(acc);
    w.assign(tf.sub(w, tf.div(tf.mul(g, this.c(lr)), tf.sqrt(tf.add(acc, this.c(this.epsilon))))));
  }

  protected updateArrays({ w, g, gScale, decay, s, lr, out }: ArrayStep): void {
    const acc = s.accumulator;
    const eps = this.epsilon;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] * gScale;
      const ai = acc[i] + gi * gi;
      acc[i] = ai;
      out[i] = w[i] - w[i] * decay - (lr * gi) / Math.sqrt(ai + eps);
    }
  }

  protected ownConfig(): tf.serialization.ConfigDict {
    return { epsilon: this.epsilon, initialAccumulatorValue: this.initialAccumulatorValue };
  }
}
tf.serialization.registerClass(ExpAdagrad);
