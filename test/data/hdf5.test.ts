// HDF5: the project's writer and reader against each other, against a CSV.gz holding the same
// events (the acceptance test), and against a file written by libhdf5 through h5py.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExpError } from '../../src/errors.ts';
import { createCsvSource } from '../../src/data/csv/reader.ts';
import { createHdf5Source, hdf5Layout } from '../../src/data/hdf5/reader.ts';
import { createHdf5Writer } from '../../src/data/hdf5/writer.ts';
import { loadTable } from '../../src/data/load.ts';
import type { DataSource } from '../../src/data/types.ts';
import { randomTable, tempDir, uciCsv, writeGz } from './helpers.ts';

const FIXTURE = new URL('./fixtures/libhdf5-dtypes.h5', import.meta.url).pathname;

async function readAll(src: DataSource, chunkRows: number) {
  const xs: number[] = [];
  const ys: number[] = [];
  let chunks = 0;
  for await (const c of src.chunks(chunkRows)) {
    assert.ok(c.rows <= chunkRows);
    xs.push(...c.x);
    ys.push(...c.y);
    chunks++;
  }
  return { x: Float32Array.from(xs), y: Float32Array.from(ys), chunks };
}

async function writeH5(path: string, x: Float32Array, y: Float32Array, cols: number, appendRows: number, columns?: string[]) {
  const w = await createHdf5Writer(path, cols, { chunkRows: 128, columns });
  for (let s = 0; s < y.length; s += appendRows) {
    const e = Math.min(y.length, s + appendRows);
    w.append({ x: x.subarray(s * cols, e * cols), y: y.subarray(s, e), rows: e - s });
  }
  await w.close();
}

async function rejectsData(p: Promise<unknown>, re: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ExpError, `expected ExpError, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  });
}

test('acceptance: HDF5 (seed layout, project writer) and CSV.gz (UCI layout) with the same events read back identical', async (t) => {
  const dir = tempDir(t);
  const rows = 1000;
  const cols = 28;
  const { x, y } = randomTable(rows, cols, 7);
  const h5 = join(dir, 'HIGGS.h5');
  const gz = join(dir, 'HIGGS.csv.gz');
  await writeH5(h5, x, y, cols, 333); // appends that do not line up with the HDF5 chunks
  writeGz(gz, uciCsv(x, y, cols));

  const layout = await hdf5Layout(h5);
  assert.deepEqual({ rows: layout.rows, cols: layout.cols, f: layout.featuresDtype, t: layout.targetsDtype }, { rows, cols, f: 'float32', t: 'float32' });

  const fromH5 = await readAll(createHdf5Source(h5), 300);
  const fromCsv = await readAll(createCsvSource(gz), 256);
  assert.equal(fromH5.chunks, 4);
  assert.deepEqual(fromH5.x, x);
  assert.deepEqual(fromH5.y, y);
  assert.deepEqual(fromCsv.x, x);
  assert.deepEqual(fromCsv.y, y);

  const ctx = { specDir: dir, seed: 1 };
  const a = await loadTable({ source: 'hdf5', path: 'HIGGS.h5' }, ctx);
  const b = await loadTable({ source: 'csv', path: 'HIGGS.csv.gz' }, ctx);
  assert.equal(a.rows, rows);
  assert.equal(a.cols, cols);
  assert.deepEqual(a.x, b.x);
  assert.deepEqual(a.y, b.y);
  assert.deepEqual(a.x, x);
  assert.equal(a.columns[0], 'lepton_pT');
  assert.equal(a.columns[27], 'm_wwbb');
  assert.match(String(a.fingerprint.sha256), /^[0-9a-f]{64}$/);
  assert.notEqual(a.fingerprint.sha256, b.fingerprint.sha256);
});

test('offset and limit select a row range; asking for more rows than the file has is an error', async (t) => {
  const dir = tempDir(t);
  const cols = 3;
  const { x, y } = randomTable(50, cols, 3);
  const h5 = join(dir, 'd.h5');
  await writeH5(h5, x, y, cols, 50);
  const part = await readAll(createHdf5Source(h5, { offset: 10, limit: 25 }), 7);
  assert.deepEqual(part.x, x.slice(30, 105));
  assert.deepEqual(part.y, y.slice(10, 35));
  assert.equal((await createHdf5Source(h5, { offset: 10 }).describe()).rows, 40);
  await rejectsData(createHdf5Source(h5, { offset: 30, limit: 21 }).describe(), /has 50 rows, fewer than requested \(21 rows after offset 30\)/);
  await rejectsData(loadTable({ source: 'hdf5', path: 'd.h5', catalogue: 'none', events: 60 }, { specDir: dir, seed: 1 }), /fewer than requested/);
});

test('column names written as an attribute come back; HDF5 dataset names are configurable', async (t) => {
  const dir = tempDir(t);
  const { x, y } = randomTable(5, 2, 4);
  const h5 = join(dir, 'named.h5');
  const w = await createHdf5Writer(h5, 2, { columns: ['a', 'b'], featuresDataset: 'X', targetsDataset: 'Y' });
  w.append({ x, y, rows: 5 });
  await w.close();
  const src = createHdf5Source(h5, { featuresDataset: 'X', targetsDataset: 'Y' });
  assert.deepEqual((await src.describe()).columns, ['a', 'b']);
  const t2 = await loadTable({ source: 'hdf5', path: 'named.h5', features_dataset: 'X', targets_dataset: 'Y', catalogue: 'none', features: ['b'] }, { specDir: dir, seed: 1 });
  assert.deepEqual(t2.columns, ['b']);
  assert.deepEqual(t2.x, Float32Array.from([1, 3, 5, 7, 9].map((i) => x[i])));
});

test('a file written by libhdf5 (h5py): integer, float64, big-endian and gzip-compressed datasets convert to float32', async () => {
  const expected = (f: (i: number) => number) => Float32Array.from({ length: 18 }, (_, i) => f(i));
  const cases: Array<[string, (i: number) => number]> = [
    ['features_i16', (i) => i - 4],
    ['features_f64', (i) => i / 10 + 0.05],
    ['features_be', (i) => i * 1.5 - 2],
    ['features_i64', (i) => i * 1000000 - 3],
    ['features_gzip', (i) => i * 0.25],
  ];
  for (const [name, f] of cases) {
    for (const targets of ['targets_u8', 'targets_2d']) {
      const got = await readAll(createHdf5Source(FIXTURE, { featuresDataset: name, targetsDataset: targets }), 4);
      assert.deepEqual(got.x, expected(f), name);
      assert.deepEqual(got.y, Float32Array.from([0, 1, 1, 0, 1, 0]), targets);
    }
  }
});

test('HDF5 errors: missing file, not HDF5, wrong dataset name (listing those present), row mismatch, wrong rank', async (t) => {
  const dir = tempDir(t);
  await rejectsData(createHdf5Source(join(dir, 'nope.h5')).describe(), /nope\.h5: no such file/);
  const notH5 = join(dir, 'x.h5');
  writeGz(notH5, 'not hdf5');
  await rejectsData(createHdf5Source(notH5).describe(), /not an HDF5 file/);
  const f = join(dir, 'fixture.h5');
  copyFileSync(FIXTURE, f);
  await rejectsData(
    createHdf5Source(f, { featuresDataset: 'features', targetsDataset: 'targets_u8' }).describe(),
    /no dataset "features" \(the file has: extra\/nested, features_be, features_f64/,
  );
  await rejectsData(createHdf5Source(f, { featuresDataset: 'features_f64', targetsDataset: 'targets_short' }).describe(), /"features_f64" has 6 rows but "targets_short" has 5/);
  await rejectsData(createHdf5Source(f, { featuresDataset: 'rank3', targetsDataset: 'targets_u8' }).describe(), /has rank 3/);
  await rejectsData(createHdf5Source(f, { featuresDataset: 'features_f64', targetsDataset: 'features_i16' }).describe(), /expected one label per row/);
  // Through loadTable, the key is named for the runner to locate in the spec.
  await assert.rejects(loadTable({ source: 'hdf5', path: 'fixture.h5', features_dataset: 'feats', targets_dataset: 'targets_u8' }, { specDir: dir, seed: 1 }), (e: unknown) => {
    assert.ok(e instanceof ExpError);
    assert.equal(e.problems[0].path, 'data.features_dataset');
    return true;
  });
});
