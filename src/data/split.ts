// Training / validation / test split, deterministic for a seed.
//
// Sizes: test = round(rows * testFraction); of the remaining rows, validation =
// round(rest * validationFraction); train = the rest. Order: the rows are put in an order
// (a seeded permutation with shuffle, file order without) and cut into
//   [ train | validation | test ]
// so with shuffle off the first rows train and the last rows test, as the schema promises.
// Stratified: the same cut is made within each class (each class permuted on its own
// stream), so every part keeps the overall signal fraction up to rounding; each part is then
// listed in ascending row order when unshuffled and in a seeded shuffled order otherwise.
import { ExpError } from '../errors.ts';
import { Rng } from '../util/rng.ts';
import type { Table } from './types.ts';

export interface SplitOptions {
  testFraction: number;
  validationFraction: number;
  shuffle: boolean;
  stratify: boolean;
  seed: number;
}

export interface SplitIndices {
  train: Uint32Array;
  validation: Uint32Array;
  test: Uint32Array;
}

/** Part sizes for n rows (exported so callers and tests agree on the rounding). */
export function splitSizes(n: number, testFraction: number, validationFraction: number): { train: number; validation: number; test: number } {
  const test = Math.round(n * testFraction);
  const validation = Math.round((n - test) * validationFraction);
  return { train: n - test - validation, validation, test };
}

function cut(order: Uint32Array, sizes: { train: number; validation: number }): SplitIndices {
  return {
    train: order.slice(0, sizes.train),
    validation: order.slice(sizes.train, sizes.train + sizes.validation),
    test: order.slice(sizes.train + sizes.validation),
  };
}

export function splitIndices(rows: number, labels: Float32Array, opts: SplitOptions): SplitIndices {
  const { testFraction, validationFraction } = opts;
  if (!(testFraction > 0 && testFraction < 1)) throw new ExpError('spec', { path: 'split.test_fraction', message: `must be in (0, 1), got ${testFraction}` });
  if (!(validationFraction >= 0 && validationFraction < 1)) throw new ExpError('spec', { path: 'split.validation_fraction', message: `must be in [0, 1), got ${validationFraction}` });
  if (labels.length < rows) throw new Error(`splitIndices: ${labels.length} labels for ${rows} rows`);
  const sizes = splitSizes(rows, testFraction, validationFraction);
  if (sizes.train < 1) {
    throw new ExpError('spec', { path: 'split.test_fraction', message: `${rows} rows leave no training rows (test ${sizes.test}, validation ${sizes.validation})`, hint: 'use more events or smaller fractions' });
  }
  const rng = new Rng(opts.seed);

  if (!opts.stratify) {
    const order = opts.shuffle ? rng.fork('split').permutation(rows) : identity(rows);
    return cut(order, sizes);
  }

  let binary = 0;
  for (let i = 0; i < rows; i++) if (labels[i] === 0 || labels[i] === 1) binary++;
  if (binary !== rows) throw new ExpError('data', `stratified split: ${rows - binary} labels are neither 0 nor 1`);
  const parts: SplitIndices[] = [];
  for (const cls of [0, 1]) {
    let count = 0;
    for (let i = 0; i < rows; i++) if (labels[i] === cls) count++;
    const members = new Uint32Array(count);
    for (let i = 0, k = 0; i < rows; i++) if (labels[i] === cls) members[k++] = i;
    if (opts.shuffle) rng.fork(`split-class-${cls}`).shuffle(members);
    parts.push(cut(members, splitSizes(count, testFraction, validationFraction)));
  }
  const merge = (key: keyof SplitIndices, stream: string): Uint32Array => {
    const a = parts[0][key];
    const b = parts[1][key];
    const out = new Uint32Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return opts.shuffle ? rng.fork(stream).shuffle(out) : out.sort();
  };
  return { train: merge('train', 'split-train'), validation: merge('validation', 'split-validation'), test: merge('test', 'split-test') };
}

function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** The rows `indices` of a table (optionally only some columns), copied once into a new table. */
export function takeRows(table: Table, indices: Uint32Array, featureIndices?: readonly number[]): Table {
  const cols = featureIndices ? featureIndices.length : table.cols;
  const n = indices.length;
  const x = new Float32Array(n * cols);
  const y = new Float32Array(n);
  const src = table.x;
  const stride = table.cols;
  for (let r = 0; r < n; r++) {
    const i = indices[r];
    if (i >= table.rows) throw new RangeError(`takeRows: row ${i} of a ${table.rows}-row table`);
    y[r] = table.y[i];
    const base = i * stride;
    const out = r * cols;
    // A plain loop rather than subarray() + set(): no view object per row (same speed here:
    // random row access is memory-bound).
    if (featureIndices) for (let c = 0; c < cols; c++) x[out + c] = src[base + featureIndices[c]];
    else for (let c = 0; c < cols; c++) x[out + c] = src[base + c];
  }
  return { x, y, rows: n, cols, columns: featureIndices ? featureIndices.map((c) => table.columns[c]) : [...table.columns] };
}

/**
 * Reorders the table's rows in place so that row k becomes the old row `order[k]` (`order` is a
 * permutation of 0..rows-1), following cycles with one row of scratch space. Lets a caller cut
 * train / validation / test as views of one buffer instead of copying the 1.23 GB HIGGS matrix.
 */
export function permuteRowsInPlace(table: Table, order: Uint32Array): void {
  const { rows, cols, x, y } = table;
  if (order.length !== rows) throw new RangeError(`permuteRowsInPlace: ${order.length} indices for ${rows} rows`);
  const done = new Uint8Array(rows);
  const tmp = new Float32Array(cols);
  for (let start = 0; start < rows; start++) {
    if (done[start]) continue;
    for (let c = 0; c < cols; c++) tmp[c] = x[start * cols + c];
    const tmpY = y[start];
    let j = start;
    for (;;) {
      done[j] = 1;
      const next = order[j];
      if (next >= rows) throw new RangeError(`permuteRowsInPlace: index ${next} of ${rows} rows`);
      if (next === start) {
        x.set(tmp, j * cols);
        y[j] = tmpY;
        break;
      }
      if (done[next]) throw new RangeError('permuteRowsInPlace: order is not a permutation');
      for (let c = 0, to = j * cols, from = next * cols; c < cols; c++) x[to + c] = x[from + c];
      y[j] = y[next];
      j = next;
    }
  }
}

/**
 * The split as views of the table's own buffer (no copy): the rows are first reordered in
 * place to [train | validation | test], so the table itself is consumed (its row order changes).
 */
export function splitInPlace(table: Table, split: SplitIndices): { train: Table; validation: Table | null; test: Table } {
  const parts = [split.train, split.validation, split.test];
  const total = parts.reduce((n, p) => n + p.length, 0);
  if (total !== table.rows) throw new RangeError(`splitInPlace: parts hold ${total} rows, the table ${table.rows}`);
  const order = new Uint32Array(table.rows);
  order.set(split.train);
  order.set(split.validation, split.train.length);
  order.set(split.test, split.train.length + split.validation.length);
  permuteRowsInPlace(table, order);
  const view = (from: number, n: number): Table => ({
    x: table.x.subarray(from * table.cols, (from + n) * table.cols),
    y: table.y.subarray(from, from + n),
    rows: n,
    cols: table.cols,
    columns: table.columns,
  });
  const nt = split.train.length;
  const nv = split.validation.length;
  return { train: view(0, nt), validation: nv > 0 ? view(nt, nv) : null, test: view(nt + nv, split.test.length) };
}
