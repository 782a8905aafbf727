// Nadam with TF2 Keras's update rule and momentum schedule (tfjs has no Nadam):
//   mu_t = b1 * (1 - 0.5 * 0.96^(t * momentum_decay)),  mu_{t+1} likewise
//   m_schedule_new = m_schedule * mu_t,  m_schedule_next = m_schedule_new * mu_{t+1}
//   m = b1 m + (1-b1) g,  v = b2 v + (1-b2) g^2
//   m_hat = mu_{t+1} m / (1 - m_schedule_next) + (1 - mu_t) g / (1 - m_schedule_new)
//   v_hat = v / (1 - b2^t),  w -= lr m_hat / (sqrt(v_hat) + eps)
// (tensorflow/python/keras/optimizer_v2/nadam.py, default momentum_decay 0.004). Keras 3
// dropped the factor (mu_t uses 0.96^t): momentum_decay: 1 reproduces that schedule.
// The product m_schedule is kept as a JS double (TF keeps a float32 variable; the
// difference is far below float32 weight precision).
import * as tf from '@tensorflow/tfjs';
import { ExpOptimizer, requireRange, type ArrayStep, type BaseOptimizerConfig } from './base.ts';

export interface NadamConfig extends BaseOptimizerConfig {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  momentumDecay?: number;
}

export class ExpNadam extends ExpOptimizer {
  static className = 'ExpNadam';
  readonly optimizerName = 'nadam' as const;
  protected readonly slotNames = ['m', 'v'] as const;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly momentumDecay: number;
  /** prod_{i<=t} mu_i over the steps applied so far (Keras's m_cache / u_product). */
  private mSchedule = 1;
  /** Coefficients of the step in progress, set by beginStep. */
  private muT = 0;
  private muNext = 0;
  private mScheduleNew = 1;
  private mScheduleNext = 1;

  constructor(config: NadamConfig = {}) {
    super(config, 0.001);
    this.beta1 = requireRange(config.beta1 ?? 0.9, 0, 1, 'beta_1');
    this.beta2 = requireRange(config.beta2 ?? 0.999, 0, 1, 'beta_2');
    this.epsilon = config.epsilon ?? 1e-7;
    this.momentumDecay = config.momentumDecay ?? 0.004;
  }

  private mu(t: number): number {
    return this.beta1 * (1 - 0.5 * 0.96 ** (t * this.momentumDecay));
  }

  /** lr sqrt(c) mu_{t+1} / (1 - m_schedule_next), lr sqrt(c) (1 - mu_t) / (1 - m_schedule_new), eps sqrt(c); c = 1 - b2^t. */
  private cm = 0;
  private cg = 0;
  private epsT = 0;

  protected override beginStep(t: number): void {
    this.muT = this.mu(t);
    this.muNext = this.mu(t + 1);
    this.mScheduleNew = this.mSchedule * this.muT;
    this.mScheduleNext = this.mScheduleNew * this.muNext;
    this.mSchedule = this.mScheduleNew;
    // lr m_hat / (sqrt(v / c) + eps) = lr sqrt(c) m_hat / (sqrt(v) + eps sqrt(c)): the bias
    // correction folds into scalars instead of an op over every weight.
    const sc = Math.sqrt(1 - this.beta2 ** t);
    this.cm = (this.learningRate * sc * this.muNext) / (1 - this.mScheduleNext);
    this.cg = (this.learningRate * sc * (1 - this.muT)) / (1 - this.mScheduleNew);
    this.epsT = this.epsilon * sc;
  }

  protected updateVariable(w: tf.Variable, g: tf.Tensor, s: Record<string, tf.Variable>): void {
    const m = tf.add(tf.mul(s.m, this.c(this.beta1)), tf.mul(g, this.c(1 - this.beta1)));
    const v = tf.add(tf.mul(s.v, this.c(this.beta2)), tf.mul(tf.square(g), this.c(1 - this.beta2)));
    s.m.assign(m);
    s.v.assign(v);
    w.assign(tf.sub(w, tf.div(tf.add(tf.mul(m, this.c(this.cm)), tf.mul(g, this.c(this.cg))), tf.add(tf.sqrt(v), this.c(this.epsT)))));
  }

  protected override extraState(): Record<string, number> {
    return { m_schedule: this.mSchedule };
  }

  protected override restoreExtraState(state: Record<string, number>): void {
    if (state.m_schedule != null) this.mSchedule = state.m_schedule;
  }

  protected updateArrays({ w, g, gScale, decay, s, t, lr, out }: ArrayStep): void {
    const { m, v } = s;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const eps = this.epsilon;
    const cm = this.muNext / (1 - this.mScheduleNext);
    const cg = (1 - this.muT) / (1 - this.mScheduleNew);
    const cv = 1 / (1 - b2 ** t);
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] * gScale;
      const mi = b1 * m[i] + (1 - b1) * gi;
      const vi = b2 * v[i] + (1 - b2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      out[i] = w[i] - w[i] * decay - (lr * (cm * mi + cg * gi)) / (Math.sqrt(vi * cv) + eps);
    }
  }

  protected ownConfig(): tf.serialization.ConfigDict {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, momentumDecay: this.momentumDecay };
  }
}
tf.serialization.registerClass(ExpNadam);
