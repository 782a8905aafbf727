// `exp data convert` and `exp data info` through the real CLI entry point.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { createHdf5Source } from '../../src/data/hdf5/reader.ts';
import { randomTable, tempDir, uciCsv, writeGz } from './helpers.ts';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

async function exp(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('convert CSV.gz -> HDF5, then info --json with hand-computed statistics', async (t) => {
  const dir = tempDir(t);
  const rows = 300;
  const { x, y } = randomTable(rows, 28, 5);
  const gz = join(dir, 'in.csv.gz');
  const h5 = join(dir, 'out.h5');
  writeGz(gz, uciCsv(x, y, 28));
  const conv = await exp(['data', 'convert', gz, h5]);
  assert.equal(conv.code, 0, conv.stderr);
  assert.match(conv.stdout, /300 rows x 28 columns/);
  const back: number[] = [];
  for await (const c of createHdf5Source(h5).chunks(128)) back.push(...c.x);
  assert.deepEqual(Float32Array.from(back), x);

  const json = await exp(['data', 'info', h5, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const info = JSON.parse(json.stdout);
  const signal = y.reduce((a, b) => a + b, 0);
  assert.equal(info.rows, rows);
  assert.equal(info.columns, 28);
  assert.deepEqual(info.dtype, { features: 'float32', targets: 'float32' });
  assert.equal(info.classes.signal, signal);
  assert.equal(info.classes.background, rows - signal);
  const col5 = Array.from({ length: rows }, (_, r) => x[r * 28 + 5]);
  assert.equal(info.stats[5].name, 'jet1_pt');
  assert.equal(info.stats[5].min, Math.min(...col5));
  assert.equal(info.stats[5].max, Math.max(...col5));
  assert.ok(Math.abs(info.stats[5].mean - col5.reduce((a, b) => a + b, 0) / rows) < 1e-9);
});

test('headed TSV: info names columns from the header; errors exit 1 with FILE:LINE:COL and no stack', async (t) => {
  const dir = tempDir(t);
  const tsv = join(dir, 'e.tsv');
  writeFileSync(tsv, 'a\tsignal\tb\n1\t1\t2\n3\t0\tfour\n');
  const bad = await exp(['data', 'convert', tsv, join(dir, 'e.h5'), '--header', '--label-column', 'signal']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, new RegExp(`${tsv}:3:5: field 3 \\(b\\): "four" is not a number`));
  assert.doesNotMatch(bad.stderr, /at .*\.ts:\d+/);
  writeFileSync(tsv, 'a\tsignal\tb\n1\t1\t2\n3\t0\t4\n');
  const table = await exp(['data', 'info', tsv, '--header', '--label-column', 'signal']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /rows: 2 {2}columns: 2/);
  assert.match(table.stdout, /signal 1 \(50\.00%\), background 1/);
  assert.match(table.stdout, /│ +1 │ b +│ +2\.0000 │ +3\.0000 │ +4\.0000 │/);
});

test('fetch offline exits 1 with what to do instead', async (t) => {
  const dir = tempDir(t);
  const r = await exp(['data', 'fetch', 'higgs', '--dir', dir], { EXP_DATA_MIRROR: 'http://127.0.0.1:9' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot reach 127\.0\.0\.1:9 \(ECONNREFUSED\).*exp data convert HIGGS\.csv\.gz HIGGS\.h5/);
});
