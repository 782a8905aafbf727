// Benchmark of the HDF5 path at HIGGS.h5 size: write rows x 28 float32 (default 11,000,000,
// 1.23 GB) with the project's writer, read it back chunk by chunk through the reader, then
// load it whole with loadTable (SHA-256 of the file + the checks + the float32 matrix), and
// report rows/s of each phase and the process's peak RSS, which must stay under 2.5 x the
// raw array size. The file goes to the OS temp dir and is deleted afterwards.
//
//   node --import tsx src/bench/hdf5.ts [--rows N] [--json] [--keep]
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHdf5Source } from '../data/hdf5/reader.ts';
import { createHdf5Writer } from '../data/hdf5/writer.ts';
import { loadTable } from '../data/load.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '11000000' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
if (!Number.isSafeInteger(rows) || rows < 1) {
  console.error('--rows must be a positive integer');
  process.exit(2);
}
const COLS = 28;
const CHUNK = 65536;
const rawBytes = rows * COLS * 4;
const file = join(tmpdir(), `exp-bench-${process.pid}.h5`);
const log = (m: string) => {
  if (!values.json) process.stderr.write(`${m}\n`);
};
const rssMB = () => process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
const secs = (t0: number) => (performance.now() - t0) / 1000;

// Cheap deterministic values (the benchmark measures I/O, not a random generator).
function fill(x: Float32Array, y: Float32Array, first: number, n: number): void {
  for (let r = 0; r < n; r++) {
    const row = first + r;
    y[r] = row & 1;
    for (let c = 0; c < COLS; c++) x[r * COLS + c] = ((row * 31 + c * 17) % 1000) * 0.001 + c;
  }
}

try {
  log(`writing ${rows} x ${COLS} float32 (${(rawBytes / 1e9).toFixed(2)} GB) to ${file}`);
  let t0 = performance.now();
  const w = await createHdf5Writer(file, COLS);
  const x = new Float32Array(CHUNK * COLS);
  const y = new Float32Array(CHUNK);
  for (let s = 0; s < rows; s += CHUNK) {
    const n = Math.min(CHUNK, rows - s);
    fill(x, y, s, n);
    w.append({ x: x.subarray(0, n * COLS), y: y.subarray(0, n), rows: n });
  }
  await w.close();
  const writeS = secs(t0);
  const fileBytes = (await stat(file)).size;
  const rssAfterWrite = rssMB();
  log(`  ${writeS.toFixed(1)} s, ${(rows / writeS).toFixed(0)} rows/s, file ${(fileBytes / 1e9).toFixed(2)} GB, peak RSS ${rssAfterWrite.toFixed(0)} MB`);

  log('reading back in chunks (reader)');
  t0 = performance.now();
  let seen = 0;
  let check = 0;
  for await (const c of createHdf5Source(file).chunks(CHUNK)) {
    seen += c.rows;
    check += c.x[c.x.length - 1];
  }
  const readS = secs(t0);
  if (seen !== rows) throw new Error(`read ${seen} rows, wrote ${rows}`);
  const rssAfterRead = rssMB();
  log(`  ${readS.toFixed(1)} s, ${(rows / readS).toFixed(0)} rows/s, peak RSS ${rssAfterRead.toFixed(0)} MB (checksum ${check.toFixed(1)})`);

  log('loading the whole table (loadTable: SHA-256, checks, one float32 matrix)');
  t0 = performance.now();
  const table = await loadTable({ source: 'hdf5', path: file }, { specDir: '/', seed: 1 });
  const loadS = secs(t0);
  const rssAfterLoad = rssMB();
  // Spot check against the generator.
  const probe = new Float32Array(COLS);
  fill(probe, new Float32Array(1), rows - 1, 1);
  for (let c = 0; c < COLS; c++) if (table.x[(rows - 1) * COLS + c] !== probe[c]) throw new Error('loadTable returned wrong values');
  const limit = (2.5 * rawBytes) / 2 ** 20;
  log(`  ${loadS.toFixed(1)} s, ${(rows / loadS).toFixed(0)} rows/s, peak RSS ${rssAfterLoad.toFixed(0)} MB (limit 2.5 x raw = ${limit.toFixed(0)} MB): ${rssAfterLoad <= limit ? 'ok' : 'OVER'}`);

  const result = {
    rows,
    cols: COLS,
    raw_bytes: rawBytes,
    file_bytes: fileBytes,
    write: { seconds: writeS, rows_per_s: rows / writeS, peak_rss_mb: rssAfterWrite },
    read_chunks: { seconds: readS, rows_per_s: rows / readS, peak_rss_mb: rssAfterRead },
    load_table: { seconds: loadS, rows_per_s: rows / loadS, peak_rss_mb: rssAfterLoad, includes_sha256: true },
    peak_rss_mb: rssAfterLoad,
    rss_limit_mb: limit,
    within_limit: rssAfterLoad <= limit,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else console.log(`peak RSS ${rssAfterLoad.toFixed(0)} MB of ${limit.toFixed(0)} MB allowed`);
  if (!result.within_limit) process.exitCode = 1;
} finally {
  if (!values.keep) await rm(file, { force: true });
}
