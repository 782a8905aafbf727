// Writes the seed layout (HIGGS.h5 of the Keras notebook): `features` rows x cols float32 and
// `targets` rows float32, both chunked along rows and growable, appended chunk by chunk so a
// conversion of the 11M-row CSV never holds more than one chunk.
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExpError } from '../../errors.ts';
import type { Chunk } from '../types.ts';
import { h5, type H5Dataset, type H5File } from './runtime.ts';

export interface Hdf5WriterOptions {
  featuresDataset?: string;
  targetsDataset?: string;
  /** Column names, stored as the `columns` attribute of the features dataset. */
  columns?: string[];
  /**
   * HDF5 chunk height in rows. 8192 x 28 float32 is 0.9 MiB: under libhdf5's default 1 MiB
   * chunk cache, so row-range reads that straddle chunks do not re-read them.
   */
  chunkRows?: number;
  /** gzip level 1-9; default none (HIGGS floats barely compress and reading gets slower). */
  compression?: number;
}

export interface Hdf5Writer {
  /** Appends rows (x is rows x cols, y is rows). */
  append(chunk: Chunk): void;
  /** Rows written so far. */
  readonly rows: number;
  /** Closes the file and moves it into place. */
  close(): Promise<void>;
  /** Closes and deletes the partial file. */
  abort(): Promise<void>;
}

/**
 * Creates `path` (written as `path.part` and renamed on close, so an interrupted conversion
 * never leaves a file that looks complete).
 */
export async function createHdf5Writer(path: string, cols: number, opts: Hdf5WriterOptions = {}): Promise<Hdf5Writer> {
  if (!Number.isInteger(cols) || cols < 1) throw new ExpError('data', `cannot write ${path}: ${cols} columns`);
  if (opts.columns && opts.columns.length !== cols) throw new ExpError('data', `cannot write ${path}: ${opts.columns.length} column names for ${cols} columns`);
  const lib = await h5();
  await mkdir(dirname(path), { recursive: true });
  const part = `${path}.part`;
  const chunkRows = opts.chunkRows ?? Math.max(64, Math.floor((1 << 20) / (4 * cols) / 64) * 64);
  let file: H5File | null;
  try {
    file = new lib.File(part, 'w');
  } catch (e) {
    throw new ExpError('data', `cannot create ${part}: ${(e as Error).message}`);
  }
  const compression = opts.compression ? { compression: opts.compression } : {};
  const fx: H5Dataset = file.create_dataset({
    name: opts.featuresDataset ?? 'features', data: new Float32Array(0), shape: [0, cols], maxshape: [null, cols],
    chunks: [chunkRows, cols], dtype: '<f', ...compression,
  });
  const fy: H5Dataset = file.create_dataset({
    name: opts.targetsDataset ?? 'targets', data: new Float32Array(0), shape: [0], maxshape: [null],
    chunks: [chunkRows], dtype: '<f', ...compression,
  });
  if (opts.columns) fx.create_attribute('columns', opts.columns);
  let rows = 0;

  const closeFile = () => {
    if (file) {
      file.close();
      file = null;
    }
  };

  return {
    get rows() {
      return rows;
    },
    append(chunk: Chunk) {
      if (!file) throw new Error('HDF5 writer is closed');
      const n = chunk.rows;
      if (n === 0) return;
      if (chunk.x.length !== n * cols || chunk.y.length !== n) {
        throw new ExpError('data', `${path}: chunk of ${n} rows has ${chunk.x.length} feature values and ${chunk.y.length} labels; expected ${n * cols} and ${n}`);
      }
      fx.resize([rows + n, cols]);
      fx.write_slice([[rows, rows + n], []], chunk.x);
      fy.resize([rows + n]);
      fy.write_slice([[rows, rows + n]], chunk.y);
      rows += n;
    },
    async close() {
      closeFile();
      await rename(part, path);
    },
    async abort() {
      closeFile();
      await rm(part, { force: true });
    },
  };
}
