// The spec's `data` keys (schema/experiment.schema.json, $defs.data) as the data layer sees
// them: every key optional, defaults applied by withDataDefaults (the spec loader may or may
// not have applied the schema defaults already).
import type { Data } from '../spec/types.generated.ts';

export type SourceName = 'higgs-sim' | 'hdf5' | 'csv';
export const SOURCE_NAMES: readonly SourceName[] = ['higgs-sim', 'hdf5', 'csv'];

/**
 * The spec's `data` block as written (every key optional); the resolved spec's DataSpec
 * (src/spec/types.ts, every defaulted key present) is assignable to it.
 */
export type DataOptions = Data;

export type ResolvedDataOptions = Required<Omit<DataOptions, 'path' | 'sha256' | 'events' | 'seed'>> &
  Pick<DataOptions, 'path' | 'sha256'> & { events: number | null; seed: number | null };

/** Events the simulator generates when `data.events` is null. */
export const DEFAULT_SIM_EVENTS = 100_000;

export function withDataDefaults(d: DataOptions = {}): ResolvedDataOptions {
  return {
    source: d.source ?? 'higgs-sim',
    path: d.path,
    sha256: d.sha256,
    catalogue: d.catalogue ?? 'higgs',
    features: d.features ?? 'all',
    events: d.events ?? null,
    offset: d.offset ?? 0,
    features_dataset: d.features_dataset ?? 'features',
    targets_dataset: d.targets_dataset ?? 'targets',
    header: d.header ?? false,
    label_column: d.label_column ?? 'label',
    delimiter: d.delimiter ?? 'auto',
    units: d.units ?? 'higgs',
    signal_fraction: d.signal_fraction ?? 0.53,
    seed: d.seed ?? null,
    nan_policy: d.nan_policy ?? 'error',
  };
}
