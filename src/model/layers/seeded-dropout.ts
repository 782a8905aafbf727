// Dropout whose masks come from a seeded stream that advances every training call.
//
// Why not tf.layers.dropout({seed}): tfjs re-seeds its generator with the same seed on
// every call, so a seeded tfjs Dropout drops the same units in every mini-batch, and an
// unseeded one uses Math.random (runs not reproducible). This layer draws each mask from
// an Rng stream, so the same experiment seed gives the same masks in the same order.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../util/rng.ts';

export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
  batchInputShape?: tf.Shape;
}

export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  private rng: Rng;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name, batchInputShape: args.batchInputShape });
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
    this.seed = args.seed >>> 0;
    this.rng = new Rng(this.seed);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs?.training || this.rate === 0) return x;
    return tf.tidy(() => {
      const keep = 1 / (1 - this.rate);
      const mask = new Float32Array(x.size);
      for (let i = 0; i < mask.length; i++) mask[i] = this.rng.uniform() >= this.rate ? keep : 0;
      return tf.mul(x, tf.tensor(mask, x.shape, 'float32'));
    });
  }

  /** Restart the mask stream (e.g. when a run is restarted from scratch). */
  resetStream(): void {
    this.rng = new Rng(this.seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);
