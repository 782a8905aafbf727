// Static check of feature names against a named column catalogue (higgs, susy): how many inputs each
// model gets, known before any data is read. For catalogue `none` the names come from the file, so
// the answer waits for the data.
import { getCatalogue, resolveFeatures, type CatalogueName } from '../data/catalogues.ts';
import type { Problem } from '../errors.ts';
import type { ResolvedSpec } from './types.ts';

export interface ModelInputs {
  /** Feature names each model receives, by model name; undefined when the catalogue is `none`. */
  inputs: Record<string, string[]> | undefined;
  problems: Problem[];
}

export function modelInputs(spec: ResolvedSpec): ModelInputs {
  const catalogue = spec.data.catalogue as CatalogueName;
  if (catalogue === 'none') return { inputs: undefined, problems: [] };
  const columns = getCatalogue(catalogue).columns;
  const base = resolveFeatures(catalogue, spec.data.features, columns);
  if (!base.ok) return { inputs: undefined, problems: base.problems };
  const inputs: Record<string, string[]> = {};
  const problems: Problem[] = [];
  for (const [name, model] of Object.entries(spec.models)) {
    if (model.features === null) {
      inputs[name] = base.value.names;
      continue;
    }
    const own = resolveFeatures(catalogue, model.features, columns);
    if (!own.ok) {
      for (const p of own.problems) problems.push({ ...p, path: p.path?.replace(/^data\.features/, `models.${name}.features`) });
      continue;
    }
    const outside = own.value.names.filter((n) => !base.value.names.includes(n));
    if (outside.length > 0) {
      problems.push({ path: `models.${name}.features`, message: `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not among data.features`, hint: 'a model chooses from the columns data.features selects' });
      continue;
    }
    inputs[name] = own.value.names;
  }
  return { inputs, problems };
}
