// The data sources the spec can name (`data.source`), each building a DataSource from the
// spec's `data` options. File paths are relative to the spec file's directory.
import { resolve } from 'node:path';
import { ExpError } from '../../errors.ts';
import { Rng } from '../../util/rng.ts';
import { createCsvSource } from '../csv/reader.ts';
import { createHdf5Source } from '../hdf5/reader.ts';
import { DEFAULT_SIM_EVENTS, SOURCE_NAMES, type ResolvedDataOptions, type SourceName } from '../options.ts';
import type { DataSource } from '../types.ts';
import { createHiggsSim } from './higgs-sim/index.ts';

export interface LoadContext {
  /** Directory of the spec file; `data.path` is relative to it. */
  specDir: string;
  /** The experiment's seed. */
  seed: number;
}

export interface OpenedSource {
  source: DataSource;
  /** Absolute path of the file read, or null for generated data. */
  file: string | null;
}

export type SourceFactory = (data: ResolvedDataOptions, ctx: LoadContext) => OpenedSource;

function filePath(data: ResolvedDataOptions, ctx: LoadContext): string {
  if (!data.path) {
    throw new ExpError('spec', { path: 'data.path', message: `data.source ${data.source} needs data.path`, hint: 'the file to read, relative to the spec file' });
  }
  return resolve(ctx.specDir, data.path);
}

/** data.seed, or a seed derived from the experiment's seed on its own named stream. */
export function simSeed(data: ResolvedDataOptions, ctx: LoadContext): number {
  return data.seed ?? new Rng(ctx.seed).fork('data').nextU32();
}

export const sourceRegistry: Record<SourceName, SourceFactory> = {
  'higgs-sim': (data, ctx) => ({
    source: createHiggsSim({
      events: data.events ?? DEFAULT_SIM_EVENTS,
      signalFraction: data.signal_fraction,
      seed: simSeed(data, ctx),
      units: data.units,
    }),
    file: null,
  }),
  hdf5: (data, ctx) => {
    const file = filePath(data, ctx);
    return {
      source: createHdf5Source(file, {
        featuresDataset: data.features_dataset,
        targetsDataset: data.targets_dataset,
        offset: data.offset,
        limit: data.events,
      }),
      file,
    };
  },
  csv: (data, ctx) => {
    const file = filePath(data, ctx);
    return {
      source: createCsvSource(file, {
        header: data.header,
        labelColumn: data.label_column,
        delimiter: data.delimiter,
        offset: data.offset,
        limit: data.events,
      }),
      file,
    };
  },
};

export function openSource(data: ResolvedDataOptions, ctx: LoadContext): OpenedSource {
  const factory = sourceRegistry[data.source];
  if (!factory) {
    throw new ExpError('spec', { path: 'data.source', message: `unknown data source "${String(data.source)}"`, hint: `one of ${SOURCE_NAMES.join(', ')}` });
  }
  return factory(data, ctx);
}
