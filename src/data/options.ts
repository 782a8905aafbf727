// The spec's `data` keys (schema/experiment.schema.json, $defs.data) as the data layer sees
// them: every key optional, defaults applied by withDataDefaults (the spec loader may or may
// not have applied the schema defaults already).
import type { CatalogueName } from './catalogues.ts';
import type { Delimiter } from './csv/reader.ts';

export type SourceName = 'higgs-sim' | 'hdf5' | 'csv';
export const SOURCE_NAMES: readonly SourceName[] = ['higgs-sim', 'hdf5', 'csv'];

export interface DataOptions {
  source?: SourceName;
  path?: string;
  sha256?: string;
  catalogue?: CatalogueName;
  features?: string | string[];
  events?: number | null;
  offset?: number;
  features_dataset?: string;
  targets_dataset?: string;
  header?: boolean;
  label_column?: string;
  delimiter?: Delimiter;
  units?: 'higgs' | 'gev';
  signal_fraction?: number;
  seed?: number | null;
  nan_policy?: 'error' | 'drop';
}

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
