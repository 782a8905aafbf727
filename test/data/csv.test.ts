// CSV, CSV.gz and TSV: layouts, delimiters, and errors that name file, line and column.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExpError } from '../../src/errors.ts';
import { createCsvSource, parseNumber, type CsvSourceOptions } from '../../src/data/csv/reader.ts';
import { tempDir, writeGz } from './helpers.ts';

async function read(path: string, opts: CsvSourceOptions = {}, chunkRows = 2) {
  const x: number[] = [];
  const y: number[] = [];
  for await (const c of createCsvSource(path, opts).chunks(chunkRows)) {
    x.push(...c.x);
    y.push(...c.y);
  }
  return { x, y };
}

async function rejects(p: Promise<unknown>, check: (e: ExpError) => void) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ExpError, `expected ExpError, got ${String(e)}`);
    check(e);
    return true;
  });
}

test('headed TSV with the label column in the middle; CRLF line ends and blank lines', async (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'events.tsv');
  writeFileSync(f, 'a\tsignal\tb\r\n1.5\t1\t-2\r\n\r\n3e-3\t0\t4\r\n');
  const src = createCsvSource(f, { header: true, labelColumn: 'signal' });
  assert.deepEqual((await src.describe()).columns, ['a', 'b']);
  const got = await read(f, { header: true, labelColumn: 'signal' });
  assert.deepEqual(got.x, [1.5, -2, Math.fround(3e-3), 4]);
  assert.deepEqual(got.y, [1, 0]);
});

test('UCI layout (label first, no header), gzipped, with offset and limit; gzip is detected by content', async (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'data.bin');
  writeGz(f, ['1,0.1,0.2', '0,1.1,1.2', '1,2.1,2.2', '0,3.1,3.2'].join('\n'));
  const got = await read(f, { offset: 1, limit: 2 });
  assert.deepEqual(got.x, [1.1, 1.2, 2.1, 2.2].map(Math.fround));
  assert.deepEqual(got.y, [0, 1]);
  await rejects(read(f, { offset: 2, limit: 3 }), (e) => assert.match(e.message, /has 2 rows after offset 2, fewer than the 3 requested/));
});

test('quoted header names and semicolon delimiter; space delimiter collapses runs of spaces', async (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'q.csv');
  writeFileSync(f, '"jet 1 pt";"label"\n"2.5";1\n');
  assert.deepEqual(await read(f, { header: true, delimiter: ';' }), { x: [2.5], y: [1] });
  const s = join(dir, 's.txt');
  writeFileSync(s, '1  2.0 3\n0 4   5\n');
  assert.deepEqual(await read(s, { delimiter: ' ' }), { x: [2, 3, 4, 5], y: [1, 0] });
});

test('a non-numeric field is an error naming file, line and column', async (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'bad.csv');
  writeFileSync(f, 'label,x,y\n1,0.5,0.25\n0,0.5,abc\n');
  await rejects(read(f, { header: true }), (e) => {
    const p = e.problems[0];
    assert.deepEqual(p.location, { file: f, line: 3, col: 7 });
    assert.match(p.message, /field 3 \(y\): "abc" is not a number/);
    assert.ok(e.message.startsWith(`${f}:3:7: `), e.message);
  });
});

test('a row with the wrong number of fields is an error naming the line', async (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'short.csv.gz');
  writeGz(f, '1,2,3\n0,4,5\n1,6\n');
  await rejects(read(f), (e) => {
    assert.deepEqual(e.problems[0].location, { file: f, line: 3, col: 1 });
    assert.match(e.problems[0].message, /expected 3 fields, found 2/);
  });
});

test('missing file, missing label column (with suggestion), corrupt gzip', async (t) => {
  const dir = tempDir(t);
  await rejects(read(join(dir, 'none.csv')), (e) => assert.match(e.message, /none\.csv: no such file/));
  const f = join(dir, 'h.csv');
  writeFileSync(f, 'lable,x\n1,2\n');
  await rejects(read(f, { header: true }), (e) => {
    assert.equal(e.problems[0].path, 'data.label_column');
    assert.match(e.message, /no label column "label".*did you mean "lable"/);
  });
  const gz = join(dir, 'cut.csv.gz');
  const whole = (await import('node:zlib')).gzipSync(Buffer.from('1,2,3\n'.repeat(10000)));
  writeFileSync(gz, whole.subarray(0, whole.length >> 1));
  await rejects(read(gz), (e) => assert.match(e.message, /corrupt or truncated gzip/));
});

test('NaN and Inf spellings and empty fields read as non-finite values, not errors', () => {
  assert.ok(Number.isNaN(parseNumber('nan')));
  assert.ok(Number.isNaN(parseNumber('')));
  assert.ok(Number.isNaN(parseNumber(' NaN ')));
  assert.equal(parseNumber('-inf'), -Infinity);
  assert.equal(parseNumber('Infinity'), Infinity);
  assert.equal(parseNumber('1e3'), 1000);
  assert.equal(parseNumber(' 0 '), 0);
  assert.equal(parseNumber('0x'), null);
  assert.equal(parseNumber('1,5'), null);
});

test('stopping early releases the reader (no hang, no error)', async (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'many.csv');
  writeFileSync(f, '1,2\n'.repeat(100000));
  let n = 0;
  for await (const c of createCsvSource(f).chunks(100)) {
    n += c.rows;
    if (n >= 300) break;
  }
  assert.equal(n, 300);
});
