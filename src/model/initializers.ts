// Weight initializers with Keras (TF2) semantics, drawn from the project's seeded Rng.
//
// Hand-rolled rather than tfjs's seeded initializers because (a) tfjs's variance-scaling
// "normal" draws a truncated normal without Keras's 0.8796 std correction, so
// glorot_normal / he_normal / lecun_normal would come out ~12% too narrow, and (b) the
// experiment seed should drive every stream through one generator (Rng.fork), the same
// way on every backend. The compiled layers still carry the equivalent tfjs initializer
// in their config so a saved model.json reads naturally.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng.ts';
import type { InitializerName, InitializerSpec } from './types.ts';

export interface InitializerParams {
  mean: number;
  stddev: number;
  minval: number;
  maxval: number;
}

const DEFAULT_PARAMS: InitializerParams = { mean: 0, stddev: 0.05, minval: -0.05, maxval: 0.05 };

/** std of a standard normal truncated to [-2, 2]; Keras divides by it so the truncated draw has the asked-for variance. */
const TRUNCATED_STD = 0.87962566103423978;

/** tfjs-layers does not export its Initializer base type from the union package. */
type TfjsInitializer = ReturnType<typeof tf.initializers.zeros>;

type Mode = 'fan_in' | 'fan_out' | 'fan_avg';

interface InitializerEntry {
  /** The tfjs initializer recorded in the layer config (values are then replaced by `sample`). */
  tfjs: (p: InitializerParams, seed: number) => TfjsInitializer;
  sample: (out: Float32Array, fanIn: number, fanOut: number, p: InitializerParams, rng: Rng) => void;
}

function scaleFor(mode: Mode, fanIn: number, fanOut: number): number {
  return mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
}

function varianceScaling(scale: number, mode: Mode, distribution: 'truncated_normal' | 'uniform'): InitializerEntry['sample'] {
  return (out, fanIn, fanOut, _p, rng) => {
    const n = Math.max(1, scaleFor(mode, fanIn, fanOut));
    if (distribution === 'uniform') {
      const limit = Math.sqrt((3 * scale) / n);
      for (let i = 0; i < out.length; i++) out[i] = rng.range(-limit, limit);
    } else {
      const std = Math.sqrt(scale / n) / TRUNCATED_STD;
      for (let i = 0; i < out.length; i++) out[i] = std * truncatedNormal(rng);
    }
  };
}

/** Standard normal redrawn until it lies within two standard deviations (tf.random.truncated_normal). */
function truncatedNormal(rng: Rng): number {
  for (;;) {
    const z = rng.normal();
    if (z >= -2 && z <= 2) return z;
  }
}

export const INITIALIZERS: Record<InitializerName, InitializerEntry> = {
  zeros: { tfjs: () => tf.initializers.zeros(), sample: (out) => out.fill(0) },
  ones: { tfjs: () => tf.initializers.ones(), sample: (out) => out.fill(1) },
  glorot_normal: { tfjs: (_p, seed) => tf.initializers.glorotNormal({ seed }), sample: varianceScaling(1, 'fan_avg', 'truncated_normal') },
  glorot_uniform: { tfjs: (_p, seed) => tf.initializers.glorotUniform({ seed }), sample: varianceScaling(1, 'fan_avg', 'uniform') },
  he_normal: { tfjs: (_p, seed) => tf.initializers.heNormal({ seed }), sample: varianceScaling(2, 'fan_in', 'truncated_normal') },
  he_uniform: { tfjs: (_p, seed) => tf.initializers.heUniform({ seed }), sample: varianceScaling(2, 'fan_in', 'uniform') },
  lecun_normal: { tfjs: (_p, seed) => tf.initializers.leCunNormal({ seed }), sample: varianceScaling(1, 'fan_in', 'truncated_normal') },
  lecun_uniform: { tfjs: (_p, seed) => tf.initializers.leCunUniform({ seed }), sample: varianceScaling(1, 'fan_in', 'uniform') },
  random_normal: {
    tfjs: (p, seed) => tf.initializers.randomNormal({ mean: p.mean, stddev: p.stddev, seed }),
    sample: (out, _fi, _fo, p, rng) => {
      for (let i = 0; i < out.length; i++) out[i] = p.mean + p.stddev * rng.normal();
    },
  },
  random_uniform: {
    tfjs: (p, seed) => tf.initializers.randomUniform({ minval: p.minval, maxval: p.maxval, seed }),
    sample: (out, _fi, _fo, p, rng) => {
      for (let i = 0; i < out.length; i++) out[i] = rng.range(p.minval, p.maxval);
    },
  },
};

export function initializerName(spec: InitializerSpec): InitializerName {
  return typeof spec === 'string' ? spec : spec.name;
}

export function initializerParams(spec: InitializerSpec): InitializerParams {
  if (typeof spec === 'string') return { ...DEFAULT_PARAMS };
  return {
    mean: spec.mean ?? DEFAULT_PARAMS.mean,
    stddev: spec.stddev ?? DEFAULT_PARAMS.stddev,
    minval: spec.minval ?? DEFAULT_PARAMS.minval,
    maxval: spec.maxval ?? DEFAULT_PARAMS.maxval,
  };
}

/** Keras's fan computation for dense kernels ([in, out]) and vectors ([n]: fan_in = fan_out = n). */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

/** Initial values of one weight: pure given (spec, shape, rng state). */
export function sampleInitializer(spec: InitializerSpec, shape: readonly number[], rng: Rng): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const [fanIn, fanOut] = fans(shape);
  INITIALIZERS[initializerName(spec)].sample(out, fanIn, fanOut, initializerParams(spec), rng);
  return out;
}

/** The seed for one weight: distinct per (experiment seed, layer, role), stable across runs. */
export function weightRng(seed: number, layerName: string, role: string): Rng {
  return new Rng(seed).fork(`init/${layerName}/${role}`);
}

export function tfjsInitializer(spec: InitializerSpec, seed: number): TfjsInitializer {
  return INITIALIZERS[initializerName(spec)].tfjs(initializerParams(spec), seed);
}
