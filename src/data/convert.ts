// CSV(.gz)/TSV -> HDF5 in the seed layout, streamed chunk by chunk (an 11M-row HIGGS.csv.gz
// never sits in memory), and the summary statistics of `exp data info`.
import { getCatalogue, guessCatalogue, isGeneric, type CatalogueName } from './catalogues.ts';
import { assertHdf5File } from './hdf5/runtime.ts';
import { createCsvSource, type CsvSourceOptions } from './csv/reader.ts';
import { createHdf5Source, hdf5Layout } from './hdf5/reader.ts';
import { createHdf5Writer } from './hdf5/writer.ts';
import type { DataSource } from './types.ts';

const CHUNK_ROWS = 65536;

export interface ConvertOptions extends CsvSourceOptions {
  /** Names stored with the features: `auto` picks higgs/susy by column count for nameless files. */
  catalogue?: CatalogueName | 'auto';
  onProgress?: (rows: number) => void;
}

/** Column names to store: the file's header, else the catalogue's (when the count fits), else none. */
function storedNames(columns: string[], catalogue: CatalogueName | 'auto'): string[] | undefined {
  if (!isGeneric(columns)) return columns;
  const cat = getCatalogue(catalogue === 'auto' ? guessCatalogue(columns.length) : catalogue);
  return cat.columns.length === columns.length ? [...cat.columns] : undefined;
}

export async function convertCsvToHdf5(input: string, output: string, opts: ConvertOptions = {}): Promise<{ rows: number; cols: number; columns: string[] | undefined }> {
  const src = createCsvSource(input, opts);
  const { columns } = await src.describe();
  const names = storedNames(columns, opts.catalogue ?? 'auto');
  const writer = await createHdf5Writer(output, columns.length, { columns: names });
  try {
    for await (const chunk of src.chunks(CHUNK_ROWS)) {
      writer.append(chunk);
      opts.onProgress?.(writer.rows);
    }
    await writer.close();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  return { rows: writer.rows, cols: columns.length, columns: names };
}

export interface ColumnStats {
  name: string;
  min: number;
  mean: number;
  max: number;
}

export interface DataInfo {
  file: string;
  format: 'hdf5' | 'csv';
  rows: number;
  columns: number;
  dtype: { features: string; targets: string };
  classes: { signal: number; background: number; other: number; signalFraction: number };
  /** Values that are NaN or infinite (left out of min/mean/max). */
  nonFinite: number;
  stats: ColumnStats[];
}

export interface InfoOptions extends CsvSourceOptions {
  featuresDataset?: string;
  targetsDataset?: string;
  catalogue?: CatalogueName | 'auto';
}

async function isHdf5(path: string): Promise<boolean> {
  try {
    await assertHdf5File(path);
    return true;
  } catch (e) {
    if (/not an HDF5 file/.test((e as Error).message)) return false;
    throw e;
  }
}

/** One streaming pass: rows, class balance, per-column min/mean/max (float64 sums). */
export async function dataInfo(path: string, opts: InfoOptions = {}): Promise<DataInfo> {
  const hdf5 = await isHdf5(path);
  let src: DataSource;
  let dtype = { features: 'float32 (parsed text)', targets: 'float32 (parsed text)' };
  if (hdf5) {
    const layout = await hdf5Layout(path, opts.featuresDataset, opts.targetsDataset);
    dtype = { features: layout.featuresDtype, targets: layout.targetsDtype };
    src = createHdf5Source(path, { featuresDataset: opts.featuresDataset, targetsDataset: opts.targetsDataset });
  } else {
    src = createCsvSource(path, opts);
  }
  const desc = await src.describe();
  const cols = desc.columns.length;
  const names = storedNames(desc.columns, opts.catalogue ?? 'auto') ?? desc.columns;
  const min = new Float64Array(cols).fill(Infinity);
  const max = new Float64Array(cols).fill(-Infinity);
  const sum = new Float64Array(cols);
  const count = new Float64Array(cols);
  let rows = 0;
  let signal = 0;
  let background = 0;
  let nonFinite = 0;
  for await (const c of src.chunks(CHUNK_ROWS)) {
    for (let r = 0, i = 0; r < c.rows; r++) {
      const label = c.y[r];
      if (label === 1) signal++;
      else if (label === 0) background++;
      for (let k = 0; k < cols; k++, i++) {
        const v = c.x[i];
        if (v - v !== 0) {
          nonFinite++;
          continue;
        }
        if (v < min[k]) min[k] = v;
        if (v > max[k]) max[k] = v;
        sum[k] += v;
        count[k]++;
      }
    }
    rows += c.rows;
  }
  return {
    file: path,
    format: hdf5 ? 'hdf5' : 'csv',
    rows,
    columns: cols,
    dtype,
    classes: { signal, background, other: rows - signal - background, signalFraction: rows ? signal / rows : 0 },
    nonFinite,
    stats: names.map((name, k) => ({ name, min: count[k] ? min[k] : NaN, mean: count[k] ? sum[k] / count[k] : NaN, max: count[k] ? max[k] : NaN })),
  };
}
