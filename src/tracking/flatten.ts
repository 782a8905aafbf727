// The resolved spec as MLflow params, one per leaf, named by src/spec's flattenSpec so the keys
// match what `exp diff` shows (`models.deep.layers[2].units`), with two MLflow adjustments:
// `[2]` becomes `.2` (MLflow rejects brackets in names), and the `tracking` block is left out
// (it names the server, which is not a property of the experiment).
import { flattenSpec } from '../spec/paths.ts';

const EXCLUDED = ['tracking', 'extends'];

export function flattenForParams(spec: unknown): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  for (const [path, value] of Object.entries(flattenSpec(spec))) {
    if (path === '' || EXCLUDED.some((x) => path === x || path.startsWith(`${x}.`) || path.startsWith(`${x}[`))) continue;
    out.push({ key: path.replace(/\[(\d+)\]/g, '.$1'), value: typeof value === 'string' ? value : JSON.stringify(value) ?? 'null' });
  }
  return out;
}
