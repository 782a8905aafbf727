import assert from 'node:assert/strict';
import { test } from 'node:test';
import { permuteRowsInPlace, splitIndices, splitInPlace, splitSizes, takeRows } from '../../src/data/split.ts';
import { Rng } from '../../src/util/rng.ts';

function labels(n: number, p: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => (rng.uniform() < p ? 1 : 0));
}
const base = { testFraction: 0.9, validationFraction: 0.25, shuffle: true, stratify: false, seed: 5 };

test('sizes follow the documented rounding (the notebook: 10% train+validation, a quarter of it validation)', () => {
  assert.deepEqual(splitSizes(1000, 0.9, 0.25), { train: 75, validation: 25, test: 900 });
  assert.deepEqual(splitSizes(11_000_000, 0.9, 0.25), { train: 825_000, validation: 275_000, test: 9_900_000 });
  assert.deepEqual(splitSizes(7, 0.5, 0), { train: 3, validation: 0, test: 4 });
});

test('parts are disjoint, cover every row, and are deterministic for a seed', () => {
  const n = 10_001;
  const y = labels(n, 0.53, 1);
  for (const stratify of [false, true]) {
    const s = splitIndices(n, y, { ...base, stratify });
    const seen = new Uint8Array(n);
    for (const part of [s.train, s.validation, s.test]) for (const i of part) seen[i]++;
    assert.ok(seen.every((c) => c === 1), 'each row in exactly one part');
    const again = splitIndices(n, y, { ...base, stratify });
    assert.deepEqual(again, s);
    const other = splitIndices(n, y, { ...base, stratify, seed: 6 });
    assert.notDeepEqual(other.train, s.train);
    if (!stratify) assert.deepEqual({ tr: s.train.length, v: s.validation.length, te: s.test.length }, { tr: 750, v: 250, te: 9001 });
  }
});

test('without shuffle: file order, training first, test last', () => {
  const s = splitIndices(10, labels(10, 0.5, 2), { ...base, testFraction: 0.3, validationFraction: 0.25, shuffle: false });
  assert.deepEqual([...s.train], [0, 1, 2, 3, 4]);
  assert.deepEqual([...s.validation], [5, 6]);
  assert.deepEqual([...s.test], [7, 8, 9]);
});

test('stratified parts keep the class fraction (within one event); unstratified ones drift', () => {
  const n = 2000;
  const y = labels(n, 0.3, 3);
  const total = y.reduce((a, b) => a + b, 0);
  const s = splitIndices(n, y, { ...base, testFraction: 0.5, validationFraction: 0.5, stratify: true });
  for (const part of [s.train, s.validation, s.test]) {
    const pos = part.reduce((a, i) => a + y[i], 0);
    assert.ok(Math.abs(pos - (total * part.length) / n) <= 1.01, `${pos} signal in ${part.length}`);
  }
});

test('takeRows copies the chosen rows and columns', () => {
  const table = { x: Float32Array.from([0, 1, 2, 10, 11, 12, 20, 21, 22]), y: Float32Array.from([0, 1, 0]), rows: 3, cols: 3, columns: ['a', 'b', 'c'] };
  const t = takeRows(table, Uint32Array.from([2, 0]), [2, 0]);
  assert.deepEqual(t, { x: Float32Array.from([22, 20, 2, 0]), y: Float32Array.from([0, 0]), rows: 2, cols: 2, columns: ['c', 'a'] });
  const all = takeRows(table, Uint32Array.from([1]));
  assert.deepEqual(all.x, Float32Array.from([10, 11, 12]));
  all.x[0] = 99;
  assert.equal(table.x[3], 10, 'a copy, not a view');
});

test('splitInPlace gives the same parts as takeRows, as views of one buffer', () => {
  const rows = 1001;
  const cols = 3;
  const x = Float32Array.from({ length: rows * cols }, (_, i) => i);
  const y = labels(rows, 0.5, 9);
  const table = { x, y, rows, cols, columns: ['a', 'b', 'c'] };
  const s = splitIndices(rows, y, { ...base, testFraction: 0.3 });
  const copies = { train: takeRows(table, s.train), validation: takeRows(table, s.validation), test: takeRows(table, s.test) };
  const views = splitInPlace({ ...table, x: x.slice(), y: y.slice() }, s);
  assert.deepEqual(views.train, copies.train);
  assert.deepEqual(views.validation, copies.validation);
  assert.deepEqual(views.test, copies.test);
  assert.equal(views.train.x.buffer, views.test.x.buffer);
  assert.throws(() => permuteRowsInPlace({ ...table, x: x.slice() }, Uint32Array.from({ length: rows }, () => 0)), /not a permutation/);
});
