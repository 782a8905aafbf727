// Spec layer stack -> tfjs Sequential model with Keras-style names and seeded weights.
import * as tf from '@tensorflow/tfjs';
import { ExpError } from '../errors.ts';
import { LAYERS, type BuildContext } from './layers/index.ts';
import type { LayerSpec, LayerType } from './types.ts';

export interface ExpandedLayer {
  /** Keras-style unique name within the model: dense_1, dense_2, dropout_1, ... */
  name: string;
  type: LayerType;
  /** The spec entry this layer came from (with `repeat` still set). */
  spec: LayerSpec;
  /** Index of the spec entry in the `layers` list (for error messages). */
  specIndex: number;
}

/** Expands `repeat` and assigns Keras names (per-type counters starting at 1). */
export function expandLayers(layers: readonly LayerSpec[]): ExpandedLayer[] {
  const counters = new Map<LayerType, number>();
  const out: ExpandedLayer[] = [];
  layers.forEach((spec, specIndex) => {
    if (!(spec.type in LAYERS)) {
      throw new ExpError('model', {
        path: `layers[${specIndex}].type`,
        message: `unknown layer type '${String(spec.type)}'`,
        hint: `use one of ${Object.keys(LAYERS).join(', ')}`,
      });
    }
    const repeat = spec.repeat ?? 1;
    if (!Number.isInteger(repeat) || repeat < 1) {
      throw new ExpError('model', { path: `layers[${specIndex}].repeat`, message: `repeat must be an integer >= 1, got ${repeat}` });
    }
    for (let r = 0; r < repeat; r++) {
      const n = (counters.get(spec.type) ?? 0) + 1;
      counters.set(spec.type, n);
      out.push({ name: `${LAYERS[spec.type].prefix}_${n}`, type: spec.type, spec, specIndex });
    }
  });
  return out;
}

export interface CompileOptions {
  /** Experiment seed: every random initializer and dropout stream derives from it. */
  seed: number;
  /** Model name (the spec's model key); default "sequential" as in Keras. */
  name?: string;
}

/**
 * Builds the layer stack as a tf.Sequential for `inputDim` features. Not compiled with an
 * optimizer: the training loop does that (or drives the optimizer itself). The same seed
 * gives identical initial weights on every backend.
 */
export function compileModel(layers: readonly LayerSpec[], inputDim: number, opts: CompileOptions): tf.Sequential {
  if (!Number.isInteger(inputDim) || inputDim < 1) {
    throw new ExpError('model', `the model needs at least one input feature, got ${inputDim}`);
  }
  if (layers.length === 0) throw new ExpError('model', { path: 'layers', message: 'the layer stack is empty' });
  const expanded = expandLayers(layers);
  const model = tf.sequential({ name: opts.name ?? 'sequential' });
  const built: Array<{ layer: tf.layers.Layer; entry: ExpandedLayer; ctx: BuildContext }> = [];
  expanded.forEach((entry, i) => {
    const ctx: BuildContext = { name: entry.name, seed: opts.seed >>> 0 };
    if (i === 0) ctx.batchInputShape = [null, inputDim];
    const layer = buildLayer(entry, ctx);
    model.add(layer);
    built.push({ layer, entry, ctx });
  });
  // Build now: an unbuilt tfjs Sequential reports no regularization losses from
  // calculateLosses() until its first apply/compile, which would silently drop l1/l2.
  model.build();
  for (const { layer, entry, ctx } of built) {
    const values = (LAYERS[entry.type].initialWeights as (s: LayerSpec, l: tf.layers.Layer, c: BuildContext) => Float32Array[] | null)(
      entry.spec,
      layer,
      ctx,
    );
    if (values == null) continue;
    const current = layer.getWeights();
    const tensors = values.map((v, k) => tf.tensor(v, current[k].shape, 'float32'));
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
  return model;
}

function buildLayer(entry: ExpandedLayer, ctx: BuildContext): tf.layers.Layer {
  try {
    return (LAYERS[entry.type].build as (s: LayerSpec, c: BuildContext) => tf.layers.Layer)(entry.spec, ctx);
  } catch (e) {
    throw new ExpError('model', {
      path: `layers[${entry.specIndex}]`,
      message: `cannot build ${entry.type} layer ${entry.name}: ${(e as Error).message}`,
    });
  }
}
