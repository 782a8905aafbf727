// Reads a feature matrix and a label vector from an HDF5 file (the HIGGS.h5 layout of the
// Keras notebook: `features` rows x cols, `targets` rows or rows x 1) in row slices, so the
// 11M-row file never sits in memory twice. Any integer or float dtype becomes float32.
import { ExpError } from '../../errors.ts';
import { genericColumns } from '../catalogues.ts';
import type { Chunk, DataSource, SourceDescription } from '../types.ts';
import { h5, listDatasets, openHdf5, toFloat32, type H5, type H5Dataset, type H5File } from './runtime.ts';

export interface Hdf5SourceOptions {
  featuresDataset?: string;
  targetsDataset?: string;
  /** Rows to skip at the start. */
  offset?: number;
  /** Read at most this many rows after offset; null/undefined: all. Asking for more rows than there are is an error. */
  limit?: number | null;
}

export interface Hdf5Layout {
  rows: number;
  cols: number;
  featuresDtype: string;
  targetsDtype: string;
  columns: string[];
}

function dataset(file: H5File, lib: H5, path: string, name: string, key: string): H5Dataset {
  const entity = file.get(name);
  if (entity instanceof lib.Dataset) return entity;
  const present = listDatasets(file, lib);
  throw new ExpError('data', {
    path: key,
    message: `${path}: no dataset "${name}"`,
    hint: present.length ? `the file has: ${present.join(', ')}` : 'the file holds no datasets',
  });
}

/** Validates the two datasets against each other and returns the layout. */
export function inspectLayout(file: H5File, lib: H5, path: string, featuresName: string, targetsName: string): Hdf5Layout {
  const fx = dataset(file, lib, path, featuresName, 'data.features_dataset');
  const fy = dataset(file, lib, path, targetsName, 'data.targets_dataset');
  const xs = fx.shape ?? [];
  const ys = fy.shape ?? [];
  if (xs.length !== 2) {
    throw new ExpError('data', { path: 'data.features_dataset', message: `${path}: dataset "${featuresName}" has rank ${xs.length} (shape [${xs.join(', ')}]); expected rows x columns` });
  }
  if (!(ys.length === 1 || (ys.length === 2 && ys[1] === 1))) {
    throw new ExpError('data', { path: 'data.targets_dataset', message: `${path}: dataset "${targetsName}" has shape [${ys.join(', ')}]; expected one label per row (rows or rows x 1)` });
  }
  for (const [d, n] of [[fx, featuresName], [fy, targetsName]] as const) {
    const t = d.metadata.type;
    if (t !== 0 && t !== 1) throw new ExpError('data', `${path}: dataset "${n}" is not numeric (dtype ${JSON.stringify(d.dtype)}); integer or float data only`);
  }
  if (xs[0] !== ys[0]) {
    throw new ExpError('data', { message: `${path}: "${featuresName}" has ${xs[0]} rows but "${targetsName}" has ${ys[0]}`, hint: 'features and targets must hold one row per event' });
  }
  let columns = genericColumns(xs[1]);
  // Files written by this project name their columns in an attribute; others usually do not.
  const attr = fx.attrs['columns'];
  const names: unknown = attr ? fx.get_attribute('columns', true) : null;
  if (Array.isArray(names) && names.length === xs[1] && names.every((n) => typeof n === 'string')) columns = names as string[];
  return { rows: xs[0], cols: xs[1], featuresDtype: dtypeName(fx), targetsDtype: dtypeName(fy), columns };
}

/** `float32`, `int16`, `uint8`, ... (+ `big-endian`) from h5wasm's metadata. */
function dtypeName(d: H5Dataset): string {
  const m = d.metadata;
  const base = m.type === 1 ? `float${m.size * 8}` : `${m.signed ? 'int' : 'uint'}${m.size * 8}`;
  return m.littleEndian === false ? `${base} big-endian` : base;
}

/** The row range [start, end) an offset/limit selects, or an error if the file is too short. */
export function rowRange(path: string, rows: number, offset = 0, limit: number | null = null): [number, number] {
  if (offset > rows || (limit != null && offset + limit > rows)) {
    const want = limit != null ? `${limit} rows after offset ${offset}` : `offset ${offset}`;
    throw new ExpError('data', {
      path: limit != null ? 'data.events' : 'data.offset',
      message: `${path}: has ${rows} rows, fewer than requested (${want})`,
      hint: 'lower data.events / data.offset, or leave data.events null to read all rows',
    });
  }
  return [offset, limit != null ? offset + limit : rows];
}

export function createHdf5Source(path: string, opts: Hdf5SourceOptions = {}): DataSource {
  const featuresName = opts.featuresDataset ?? 'features';
  const targetsName = opts.targetsDataset ?? 'targets';
  const withFile = async <T>(fn: (file: H5File, lib: H5, layout: Hdf5Layout) => T): Promise<T> => {
    const file = await openHdf5(path);
    const lib = await h5();
    try {
      return fn(file, lib, inspectLayout(file, lib, path, featuresName, targetsName));
    } finally {
      file.close();
    }
  };

  return {
    describe: () =>
      withFile((_f, _l, layout): SourceDescription => {
        const [start, end] = rowRange(path, layout.rows, opts.offset, opts.limit);
        return {
          columns: layout.columns,
          rows: end - start,
          fingerprint: { source: 'hdf5', path, features_dataset: featuresName, targets_dataset: targetsName, offset: start, rows: end - start },
        };
      }),

    async *chunks(chunkRows: number): AsyncIterable<Chunk> {
      const file = await openHdf5(path);
      try {
        const lib = await h5();
        const layout = inspectLayout(file, lib, path, featuresName, targetsName);
        const [start, end] = rowRange(path, layout.rows, opts.offset, opts.limit);
        const fx = file.get(featuresName) as H5Dataset;
        const fy = file.get(targetsName) as H5Dataset;
        const yRank = fy.shape!.length;
        for (let s = start; s < end; s += chunkRows) {
          const e = Math.min(end, s + chunkRows);
          const x = toFloat32(fx.slice([[s, e], []]), `${path}:${featuresName}`);
          const y = toFloat32(fy.slice(yRank === 1 ? [[s, e]] : [[s, e], []]), `${path}:${targetsName}`);
          yield { x, y, rows: e - s };
        }
      } finally {
        file.close();
      }
    },
  };
}

/** Rows, columns and dtypes of an HDF5 file in the seed layout, without reading the data. */
export async function hdf5Layout(path: string, featuresDataset = 'features', targetsDataset = 'targets'): Promise<Hdf5Layout> {
  const file = await openHdf5(path);
  try {
    return inspectLayout(file, await h5(), path, featuresDataset, targetsDataset);
  } finally {
    file.close();
  }
}
