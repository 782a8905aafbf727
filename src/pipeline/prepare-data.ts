// Data for one run: load the table, split it, fit the scaler on the training part and apply it
// to every part. The parts are views of the loaded table, reordered in place, so the data set is
// held once (HIGGS: 1.23 GB), not once per copy.
import { loadTable } from '../data/load.ts';
import { fitScaler, type Scaler, type ScalerName } from '../data/scalers/index.ts';
import { splitInPlace, splitIndices, takeRows } from '../data/split.ts';
import type { Table } from '../data/types.ts';
import type { ResolvedSpec } from '../spec/index.ts';
import { Rng } from '../util/rng.ts';

export interface PreparedData {
  train: Table;
  validation: Table | null;
  test: Table;
  /** Rows of the loaded table that became the test part (for the test-set fingerprint). */
  testRows: Uint32Array;
  scaler: Scaler;
  fingerprint: Record<string, unknown>;
  /** Rows dropped by nan_policy: drop. */
  dropped: number;
  columns: string[];
}

/** Seeds of the named streams a run derives from its master seed. */
export function streamSeed(seed: number, stream: string): number {
  return new Rng(seed).fork(stream).nextU32();
}

export async function prepareData(spec: ResolvedSpec, specDir: string, log: (msg: string) => void): Promise<PreparedData> {
  const t0 = Date.now();
  const table = await loadTable(spec.data, { specDir, seed: spec.seed });
  log(`data: ${table.rows.toLocaleString('en-US')} events x ${table.cols} features from ${spec.data.source} in ${((Date.now() - t0) / 1000).toFixed(1)}s` +
    (table.dropped > 0 ? ` (${table.dropped} rows with NaN/Inf dropped)` : ''));
  const split = splitIndices(table.rows, table.y, {
    testFraction: spec.split.test_fraction,
    validationFraction: spec.split.validation_fraction,
    shuffle: spec.split.shuffle,
    stratify: spec.split.stratify,
    seed: spec.split.seed ?? streamSeed(spec.seed, 'split'),
  });
  const { train, validation, test } = splitInPlace(table, split);
  const scaler = fitScaler(spec.scaler as ScalerName, train.x, train.rows, train.cols);
  for (const part of [train, validation, test]) if (part) scaler.transform(part.x, part.rows, part.cols);
  log(`split: ${train.rows.toLocaleString('en-US')} train, ${(validation?.rows ?? 0).toLocaleString('en-US')} validation, ${test.rows.toLocaleString('en-US')} test; scaler ${spec.scaler}`);
  return { train, validation, test, testRows: split.test, scaler, fingerprint: table.fingerprint, dropped: table.dropped, columns: table.columns };
}

/** The columns of a part that a model sees: all of them, or a copy of the model's subset. */
export function selectColumns(part: Table, columns: readonly string[]): Table {
  if (columns.length === part.cols && columns.every((c, i) => part.columns[i] === c)) return part;
  const idx = columns.map((c) => part.columns.indexOf(c));
  const all = new Uint32Array(part.rows);
  for (let i = 0; i < part.rows; i++) all[i] = i;
  return takeRows(part, all, idx);
}
