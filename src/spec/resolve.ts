// From validated data (schema defaults already filled by ajv) to the ResolvedSpec the runner gets.
import { experimentSchema, trainingKeys } from './schema.ts';
import type { LayerSpec, ResolvedModel, ResolvedSpec } from './types.ts';

/** `data` must have passed validateSpec (which filled the defaults). */
export function resolveSpec(data: Record<string, unknown>): ResolvedSpec {
  const training = data.training as Record<string, unknown>;
  const models: Record<string, ResolvedModel> = {};
  for (const [name, m] of Object.entries(data.models as Record<string, Record<string, unknown>>)) {
    const model: Record<string, unknown> = {};
    if (m.description !== undefined) model.description = m.description;
    model.layers = m.layers;
    // a model's own value wins, whole: a model's optimizer replaces training's (no key-by-key merge,
    // since the two may be different optimizers with different keys)
    for (const k of trainingKeys()) model[k] = structuredClone(k in m ? m[k] : training[k]);
    models[name] = model as ResolvedModel;
  }
  // top-level keys in the schema's order, so that printed specs read the same way every time
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(experimentSchema().properties)) {
    if (k === 'extends') continue;
    if (k === 'models') out.models = models;
    else if (k in data) out[k] = structuredClone(data[k]);
  }
  return out as ResolvedSpec;
}

/** The layer stack with `repeat` unrolled: each entry stands for one layer (repeat 1). */
export function expandLayers(layers: readonly LayerSpec[]): LayerSpec[] {
  const out: LayerSpec[] = [];
  for (const l of layers) for (let i = 0; i < (l.repeat ?? 1); i++) out.push({ ...structuredClone(l), repeat: 1 });
  return out;
}

/** The defaults of the schema, as a resolved spec with no models would have them (for docs and tools). */
export { experimentSchema };
