// Layer registry keyed by the YAML `type`: how each spec entry becomes a tfjs layer, its
// Keras name prefix and class label (for dense_1 ... and the summary), and its initial
// weights drawn from the experiment seed.
import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS } from '../activations.ts';
import { sampleInitializer, tfjsInitializer, weightRng } from '../initializers.ts';
import { tfjsRegularizer } from '../regularizers.ts';
import type { LayerSpec, LayerType } from '../types.ts';
import { SeededDropout } from './seeded-dropout.ts';

export interface BuildContext {
  /** Keras-style unique name, e.g. dense_2. */
  name: string;
  /** Experiment seed. */
  seed: number;
  /** Set on the first layer only: [null, inputDim]. */
  batchInputShape?: [null, number];
}

interface LayerEntry<S extends LayerSpec> {
  /** Keras's class name, shown in summaries. */
  kerasClass: string;
  /** Name prefix: Keras names the n-th layer of a kind `<prefix>_<n>`. */
  prefix: string;
  build(spec: S, ctx: BuildContext): tf.layers.Layer;
  /** Initial weight values in the layer's weight order, or null to keep tfjs's (deterministic ones, e.g. batch norm). */
  initialWeights(spec: S, layer: tf.layers.Layer, ctx: BuildContext): Float32Array[] | null;
}

type Registry = { [T in LayerType]: LayerEntry<Extract<LayerSpec, { type: T }>> };

/** Derives a uint32 seed for a tfjs-side seed argument. */
function subSeed(ctx: BuildContext, role: string): number {
  return weightRng(ctx.seed, ctx.name, role).nextU32();
}

export const LAYERS: Registry = {
  dense: {
    kerasClass: 'Dense',
    prefix: 'dense',
    build: (spec, ctx) =>
      tf.layers.dense({
        name: ctx.name,
        units: spec.units,
        activation: ACTIVATIONS[spec.activation ?? 'linear'],
        useBias: spec.use_bias ?? true,
        kernelInitializer: tfjsInitializer(spec.kernel_initializer ?? 'glorot_uniform', subSeed(ctx, 'kernel')),
        biasInitializer: tfjsInitializer(spec.bias_initializer ?? 'zeros', subSeed(ctx, 'bias')),
        kernelRegularizer: tfjsRegularizer(spec.kernel_regularizer),
        biasRegularizer: tfjsRegularizer(spec.bias_regularizer),
        batchInputShape: ctx.batchInputShape,
      }),
    initialWeights: (spec, layer, ctx) => {
      const kernelShape = layer.getWeights()[0].shape;
      const out = [sampleInitializer(spec.kernel_initializer ?? 'glorot_uniform', kernelShape, weightRng(ctx.seed, ctx.name, 'kernel'))];
      if (spec.use_bias ?? true) {
        out.push(sampleInitializer(spec.bias_initializer ?? 'zeros', [spec.units], weightRng(ctx.seed, ctx.name, 'bias')));
      }
      return out;
    },
  },
  dropout: {
    kerasClass: 'Dropout',
    prefix: 'dropout',
    build: (spec, ctx) =>
      new SeededDropout({ name: ctx.name, rate: spec.rate, seed: subSeed(ctx, 'mask'), batchInputShape: ctx.batchInputShape }),
    initialWeights: () => null,
  },
  batch_normalization: {
    kerasClass: 'BatchNormalization',
    prefix: 'batch_normalization',
    build: (spec, ctx) =>
      tf.layers.batchNormalization({
        name: ctx.name,
        axis: -1,
        momentum: spec.momentum ?? 0.99,
        epsilon: spec.epsilon ?? 0.001,
        batchInputShape: ctx.batchInputShape,
      }),
    initialWeights: () => null,
  },
  activation: {
    kerasClass: 'Activation',
    prefix: 'activation',
    build: (spec, ctx) =>
      tf.layers.activation({ name: ctx.name, activation: ACTIVATIONS[spec.activation], batchInputShape: ctx.batchInputShape }),
    initialWeights: () => null,
  },
};
