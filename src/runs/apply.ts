// Applying a run's saved models (and its fitted scaler) to other data: `exp evaluate` and
// `exp predict`. The data comes from a spec (its `data` section) or a data file; either way
// the feature selection is the run's, because the models were trained on those columns.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { ExpError, unwrap } from '../errors.ts';
import type { RunInfo } from './store.ts';
import { readResolvedSpec, modelNames } from './store.ts';

export interface ScoredData {
  labels: Float32Array;
  rows: number;
  /** Scores per model, in row order. */
  scores: Record<string, Float32Array>;
  fingerprint: Record<string, unknown>;
  /** What was read: the spec or the data file. */
  source: string;
}

interface RunSpecLike {
  seed?: number;
  data?: Record<string, unknown>;
  models?: Record<string, { features?: string | string[] | null }>;
}

const RUN_DATA_KEYS = ['catalogue', 'features', 'features_dataset', 'targets_dataset', 'header', 'label_column', 'delimiter', 'nan_policy', 'units'];

/** The `data` options to read `dataArg` with the run's feature selection. */
/** How to read a CSV/TSV given on the command line (the run's own CSV settings otherwise). */
export interface CsvOverrides {
  header?: boolean;
  labelColumn?: string;
}

export async function dataOptionsFor(run: RunInfo, dataArg: string, events?: number, csv: CsvOverrides = {}): Promise<{ data: Record<string, unknown>; specDir: string; seed: number }> {
  const runSpec = (readResolvedSpec(run) ?? {}) as RunSpecLike;
  const runData = runSpec.data ?? {};
  const keep: Record<string, unknown> = {};
  for (const k of ['catalogue', 'features']) if (runData[k] !== undefined) keep[k] = runData[k];
  if (/\.ya?ml$/i.test(dataArg)) {
    const { loadSpec } = await import('../spec/index.ts');
    const loaded = unwrap(await loadSpec(dataArg), 'spec');
    const data: Record<string, unknown> = { ...(loaded.resolved.data as unknown as Record<string, unknown>), ...keep };
    if (events !== undefined) data.events = events;
    return { data, specDir: loaded.dir, seed: loaded.resolved.seed as number };
  }
  const path = resolve(dataArg);
  if (!existsSync(path)) throw new ExpError('usage', { message: `--data ${dataArg}: no such file`, hint: 'give a data file (.h5, .csv, .csv.gz, .tsv) or a spec (.yaml)' });
  let source: string;
  if (/\.(h5|hdf5)$/i.test(path)) source = 'hdf5';
  else if (/\.(csv|tsv|txt)(\.gz)?$/i.test(path)) source = 'csv';
  else throw new ExpError('usage', { message: `--data ${dataArg}: unknown file type`, hint: 'use .h5/.hdf5, .csv, .csv.gz, .tsv, or a spec .yaml' });
  const data: Record<string, unknown> = { source, path };
  for (const k of RUN_DATA_KEYS) if (runData[k] !== undefined) data[k] = runData[k];
  if (source === 'csv') {
    if (csv.header !== undefined) data.header = csv.header;
    if (csv.labelColumn !== undefined) data.label_column = csv.labelColumn;
  }
  if (events !== undefined) data.events = events;
  return { data, specDir: dirname(path), seed: runSpec.seed ?? 0 };
}

export interface ApplyOptions {
  models?: string[];
  /** Use the best checkpoint (models/<m>/best) instead of the final model. */
  best?: boolean;
  events?: number;
  /** CSV/TSV layout of a data file given on the command line. */
  csv?: CsvOverrides;
  backend?: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  batchRows?: number;
  log?: (msg: string) => void;
}

export async function scoreWithRun(run: RunInfo, dataArg: string, o: ApplyOptions = {}): Promise<ScoredData> {
  const all = modelNames(run);
  const models = o.models && o.models.length ? o.models : all;
  for (const m of models) if (!all.includes(m)) throw new ExpError('usage', { message: `run ${run.id} has no model "${m}"`, hint: `models: ${all.join(', ') || '(none)'}` });
  const which = o.best ? 'best' : 'model';
  for (const m of models) {
    if (!existsSync(join(run.dir, 'models', m, which, 'model.json'))) {
      throw new ExpError('usage', { message: `${join(run.dir, 'models', m, which)}: no saved model`, hint: o.best ? 'the run kept no best checkpoint; drop --best' : 'the run did not finish training this model' });
    }
  }
  const scalerFile = join(run.dir, 'scaler.json');
  if (!existsSync(scalerFile)) throw new ExpError('usage', { message: `${scalerFile}: missing`, hint: 'the run stopped before it saved its scaler' });

  const { loadTable } = await import('../data/load.ts');
  const { scalerFromJSON } = await import('../data/scalers/index.ts');
  const { resolveFeatures } = await import('../data/catalogues.ts');
  const { data, specDir, seed } = await dataOptionsFor(run, dataArg, o.events, o.csv);
  const table = await loadTable(data as never, { specDir, seed });
  const scaler = scalerFromJSON(JSON.parse(readFileSync(scalerFile, 'utf8')));
  if (scaler.cols !== table.cols) {
    throw new ExpError('data', `${dataArg}: ${table.cols} feature columns selected, but the run's scaler was fitted on ${scaler.cols}`);
  }
  scaler.transform(table.x, table.rows, table.cols);

  const { selectBackend } = await import('../train/backend.ts');
  await selectBackend(o.backend ?? 'cpu', o.log ?? (() => {}));
  const tf = await import('@tensorflow/tfjs');
  const { loadLayersModel } = await import('./model-io.ts');
  const runSpec = (readResolvedSpec(run) ?? {}) as RunSpecLike;
  const scores: Record<string, Float32Array> = {};
  const batch = o.batchRows ?? 65536;
  for (const m of models) {
    // A model with its own feature selection sees a subset of the table's columns.
    const sel = runSpec.models?.[m]?.features;
    let colIdx: number[] | null = null;
    if (sel !== null && sel !== undefined) {
      const r = unwrap(resolveFeatures((runSpec.data?.catalogue ?? 'none') as never, sel, table.columns), 'spec');
      colIdx = r.indices;
    }
    const model = await loadLayersModel(join(run.dir, 'models', m, which));
    const inCols = colIdx ? colIdx.length : table.cols;
    const out = new Float32Array(table.rows);
    try {
      for (let start = 0; start < table.rows; start += batch) {
        const n = Math.min(batch, table.rows - start);
        let xb: Float32Array;
        if (colIdx) {
          xb = new Float32Array(n * inCols);
          for (let r = 0; r < n; r++) for (let c = 0; c < inCols; c++) xb[r * inCols + c] = table.x[(start + r) * table.cols + colIdx[c]!]!;
        } else xb = table.x.subarray(start * table.cols, (start + n) * table.cols);
        const p = tf.tidy(() => (model.predict(tf.tensor2d(xb, [n, inCols])) as import('@tensorflow/tfjs').Tensor).reshape([-1]));
        out.set(await p.data(), start);
        p.dispose();
      }
    } finally {
      model.dispose();
    }
    scores[m] = out;
  }
  return { labels: table.y, rows: table.rows, scores, fingerprint: table.fingerprint, source: dataArg };
}
