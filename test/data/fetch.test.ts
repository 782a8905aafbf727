// `exp data fetch` against a real HTTP server on 127.0.0.1 serving a small gzipped CSV:
// checksum verification, resume of a partial download with a Range request, conversion to
// HDF5, and the message when the network cannot be reached.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ExpError } from '../../src/errors.ts';
import { createHdf5Source } from '../../src/data/hdf5/reader.ts';
import { fetchDataset } from '../../src/data/fetch/index.ts';
import { randomTable, tempDir, uciCsv } from './helpers.ts';

const rows = 400;
const { x, y } = randomTable(rows, 28, 21);
const body = gzipSync(Buffer.from(uciCsv(x, y, 28)));
const sha = createHash('sha256').update(body).digest('hex');

interface Served {
  base: string;
  requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** Serves `HIGGS.csv.gz` and `SUSY.csv.gz` (the same bytes), honouring `Range: bytes=N-` unless told not to. */
async function serve(opts: { honourRange?: boolean } = {}): Promise<Served> {
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.headers);
    if (!req.url?.endsWith('.csv.gz')) {
      res.writeHead(404).end();
      return;
    }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && opts.honourRange !== false) {
      const from = Number(m[1]);
      if (from >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { 'content-range': `bytes ${from}-${body.length - 1}/${body.length}`, 'content-length': body.length - from });
      res.end(body.subarray(from));
      return;
    }
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${port}/uci`, requests, close: () => new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }) };
}

function quiet() {
  const lines: string[] = [];
  return { lines, log: (l: string) => lines.push(l), progressStream: new PassThrough() as unknown as NodeJS.WriteStream };
}

async function readBack(path: string) {
  const xs: number[] = [];
  const ys: number[] = [];
  for await (const c of createHdf5Source(path).chunks(1000)) {
    xs.push(...c.x);
    ys.push(...c.y);
  }
  return { x: Float32Array.from(xs), y: Float32Array.from(ys) };
}

test('success: download, verify, convert to HDF5 in the seed layout', async (t) => {
  const dir = tempDir(t);
  const srv = await serve();
  t.after(() => srv.close());
  const q = quiet();
  const r = await fetchDataset('higgs', { dir, mirror: srv.base, sha256: sha, ...q });
  assert.equal(r.sha256, sha);
  assert.equal(r.rows, rows);
  assert.deepEqual(readFileSync(join(dir, 'HIGGS.csv.gz')), body);
  assert.ok(!existsSync(join(dir, 'HIGGS.csv.gz.part')));
  const back = await readBack(join(dir, 'HIGGS.h5'));
  assert.deepEqual(back.x, x);
  assert.deepEqual(back.y, y);
  assert.ok(q.lines.some((l) => l.includes(`SHA-256 ${sha} verified`)));
  // A second fetch re-verifies the download and neither downloads nor converts again.
  const again = quiet();
  await fetchDataset('higgs', { dir, mirror: srv.base, sha256: sha, ...again });
  assert.equal(srv.requests.length, 1);
  assert.ok(again.lines.some((l) => l.includes('already downloaded')));
  assert.ok(again.lines.some((l) => l.includes('already converted')));
});

test('checksum mismatch: the published HIGGS checksum does not match the served file', async (t) => {
  const dir = tempDir(t);
  const srv = await serve();
  t.after(() => srv.close());
  process.env.EXP_DATA_MIRROR = srv.base; // the environment variable works as --mirror does
  t.after(() => delete process.env.EXP_DATA_MIRROR);
  await assert.rejects(fetchDataset('higgs', { dir, ...quiet() }), (e: unknown) => {
    assert.ok(e instanceof ExpError);
    assert.match(e.message, new RegExp(`checksum mismatch .*SHA-256 ${sha}, expected ea302c18164d4e3d`));
    return true;
  });
  assert.ok(!existsSync(join(dir, 'HIGGS.csv.gz')));
  assert.ok(!existsSync(join(dir, 'HIGGS.csv.gz.part')), 'the bad download is removed');
  assert.ok(!existsSync(join(dir, 'HIGGS.h5')));
});

test('resume: a partial .part file is completed with a Range request', async (t) => {
  const dir = tempDir(t);
  const srv = await serve();
  t.after(() => srv.close());
  const half = Math.floor(body.length / 2);
  writeFileSync(join(dir, 'SUSY.csv.gz.part'), body.subarray(0, half));
  const q = quiet();
  const r = await fetchDataset('susy', { dir, mirror: srv.base, convert: false, ...q });
  assert.equal(srv.requests.length, 1);
  assert.equal(srv.requests[0].range, `bytes=${half}-`);
  assert.deepEqual(readFileSync(join(dir, 'SUSY.csv.gz')), body);
  assert.ok(q.lines.some((l) => l.includes(`(resumed at ${half})`)));
  // SUSY has no published checksum: it is printed and recorded.
  assert.equal(r.sha256, sha);
  assert.equal(readFileSync(join(dir, 'SUSY.csv.gz.sha256'), 'utf8'), `${sha}  SUSY.csv.gz\n`);
});

test('a server that ignores Range: the .part is rewritten from the start', async (t) => {
  const dir = tempDir(t);
  const srv = await serve({ honourRange: false });
  t.after(() => srv.close());
  writeFileSync(join(dir, 'HIGGS.csv.gz.part'), Buffer.from('garbage that is not the start of the file'));
  await fetchDataset('higgs', { dir, mirror: srv.base, sha256: sha, convert: false, ...quiet() });
  assert.deepEqual(readFileSync(join(dir, 'HIGGS.csv.gz')), body);
});

test('offline: connection refused says what to do instead', async (t) => {
  const dir = tempDir(t);
  const srv = await serve();
  const base = srv.base;
  await srv.close(); // nothing listens on this port any more
  await assert.rejects(fetchDataset('higgs', { dir, mirror: base, ...quiet() }), (e: unknown) => {
    assert.ok(e instanceof ExpError);
    assert.match(e.message, /cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    assert.match(e.message, /exp data convert HIGGS\.csv\.gz HIGGS\.h5/);
    assert.match(e.message, /higgs-sim/);
    return true;
  });
  await assert.rejects(fetchDataset('mnist', { dir, ...quiet() }), /unknown data set "mnist".*higgs, susy/);
});
