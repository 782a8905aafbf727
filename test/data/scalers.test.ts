import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitScaler, scalerFromJSON } from '../../src/data/scalers/index.ts';
import { splitIndices, takeRows } from '../../src/data/split.ts';
import { randomTable } from './helpers.ts';

function column(x: Float32Array, rows: number, cols: number, c: number): number[] {
  return Array.from({ length: rows }, (_, r) => x[r * cols + c]);
}
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

test('standard scaler: fitted on the training part, train columns get mean 0 and std 1, the test part is not', () => {
  const rows = 2000;
  const cols = 4;
  const { x, y } = randomTable(rows, cols, 11);
  // Make the test rows differ: shift the last half.
  for (let i = (rows / 2) * cols; i < rows * cols; i++) x[i] += 5;
  const table = { x, y, rows, cols, columns: ['a', 'b', 'c', 'd'] };
  const s = splitIndices(rows, y, { testFraction: 0.5, validationFraction: 0, shuffle: false, stratify: false, seed: 1 });
  const train = takeRows(table, s.train);
  const test_ = takeRows(table, s.test);
  const sc = fitScaler('standard', train.x, train.rows, cols);
  // Reference statistics computed here, independently, from the raw training values.
  const ref = [0, 1, 2, 3].map((c) => {
    const v = column(train.x, train.rows, cols, c);
    const m = mean(v);
    return { m, sd: Math.sqrt(mean(v.map((u) => (u - m) ** 2))) };
  });
  const rawTest0 = test_.x[0];
  sc.transform(train.x, train.rows, cols);
  sc.transform(test_.x, test_.rows, cols);
  for (let c = 0; c < cols; c++) {
    const v = column(train.x, train.rows, cols, c);
    assert.ok(Math.abs(mean(v)) < 1e-5);
    assert.ok(Math.abs(Math.sqrt(mean(v.map((u) => u * u))) - 1) < 1e-4);
  }
  assert.ok(Math.abs(test_.x[0] - (rawTest0 - ref[0].m) / ref[0].sd) < 1e-4);
  assert.ok(mean(column(test_.x, test_.rows, cols, 0)) > 1, 'test part scaled with the training statistics');
});

test('minmax maps the training range to [0, 1]; constant columns do not divide by zero', () => {
  const x = Float32Array.from([1, 7, -1, 7, 3, 7]);
  const sc = fitScaler('minmax', x, 3, 2);
  sc.transform(x, 3, 2);
  assert.deepEqual([...x], [0.5, 0, 0, 0, 1, 0]);
  const z = Float32Array.from([4, 4, 4]);
  const st = fitScaler('standard', z, 3, 1);
  st.transform(z, 3, 1);
  assert.deepEqual([...z], [0, 0, 0]);
});

test('none leaves values alone; JSON round trip gives the same transform', () => {
  const x = Float32Array.from([1.5, -2]);
  fitScaler('none', x, 1, 2).transform(x, 1, 2);
  assert.deepEqual([...x], [1.5, -2]);
  const { x: data } = randomTable(100, 3, 2);
  for (const kind of ['standard', 'minmax', 'none'] as const) {
    const sc = fitScaler(kind, data, 100, 3);
    const back = scalerFromJSON(JSON.parse(JSON.stringify(sc.toJSON())));
    const a = data.slice();
    const b = data.slice();
    sc.transform(a, 100, 3);
    back.transform(b, 100, 3);
    assert.deepEqual(a, b);
    assert.equal(back.kind, kind);
  }
  assert.throws(() => scalerFromJSON({ kind: 'robust', shift: [], scale: [] }), /invalid scaler JSON/);
  assert.throws(() => fitScaler('standard', data, 100, 3).transform(data, 50, 6), /fitted on 3 columns/);
});
