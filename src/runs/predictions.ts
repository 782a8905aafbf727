// Test-set predictions in a compact binary file, so any metric can be recomputed later.
//
// Format of predictions.bin (all little-endian):
//   bytes 0..7   magic "EXPPRED1"
//   bytes 8..11  uint32 H: length in bytes of the JSON header that follows
//   H bytes      UTF-8 JSON header: {"version":1, "count":N, "scores":"float32", "labels":"uint8",
//                "model":..., "test_fingerprint":..., "labels_sha256":..., ...extra}
//   padding      zero bytes up to a multiple of 4 from the file start
//   N * 4 bytes  scores, float32
//   N bytes      labels, uint8 (0 background, 1 signal)
// Chosen over HDF5 because it needs no WASM filesystem round trip and is readable with one
// numpy.fromfile call; the header carries what `exp diff` needs to decide whether two runs
// scored the same events.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { ExpError } from '../errors.ts';
import { writeChunksAtomic } from '../util/atomic.ts';

const MAGIC = 'EXPPRED1';

export interface PredictionsHeader {
  version: 1;
  count: number;
  scores: 'float32';
  labels: 'uint8';
  model?: string;
  /** Identifies the test events (e.g. a hash of the data fingerprint and the test row indices). */
  test_fingerprint?: string | null;
  /** SHA-256 of the label bytes. */
  labels_sha256: string;
  [key: string]: unknown;
}

export interface Predictions {
  scores: Float32Array;
  labels: Uint8Array;
  header: PredictionsHeader;
}

export function labelsToBytes(labels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y !== 0 && y !== 1) throw new ExpError('data', `label at index ${i} is ${y}; predictions store labels 0 or 1`);
    out[i] = y;
  }
  return out;
}

export function encodePredictionsChunks(scores: ArrayLike<number>, labels: ArrayLike<number>, meta: Record<string, unknown> = {}): Uint8Array[] {
  if (scores.length !== labels.length) {
    throw new ExpError('data', `predictions: ${scores.length} scores but ${labels.length} labels`);
  }
  const s = scores instanceof Float32Array ? scores : Float32Array.from(scores);
  const y = labelsToBytes(labels);
  const header: PredictionsHeader = {
    ...meta,
    version: 1,
    count: s.length,
    scores: 'float32',
    labels: 'uint8',
    labels_sha256: createHash('sha256').update(y).digest('hex'),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pre = 8 + 4 + json.length;
  const pad = (4 - (pre % 4)) % 4;
  const head = Buffer.alloc(pre + pad);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.length, 8);
  json.copy(head, 12);
  // float32 is little-endian on every platform Node runs on; the bytes go out as they are.
  return [head, new Uint8Array(s.buffer, s.byteOffset, s.byteLength), y];
}

export function writePredictionsFile(path: string, scores: ArrayLike<number>, labels: ArrayLike<number>, meta: Record<string, unknown> = {}): void {
  writeChunksAtomic(path, encodePredictionsChunks(scores, labels, meta));
}

export function decodePredictions(buf: Uint8Array, file = 'predictions.bin'): Predictions {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 12 || b.toString('latin1', 0, 8) !== MAGIC) {
    throw new ExpError('data', { message: `${file} is not an exp predictions file (bad magic)`, hint: 'it should start with EXPPRED1' });
  }
  const hlen = b.readUInt32LE(8);
  if (12 + hlen > b.length) throw new ExpError('data', `${file} is truncated (header)`);
  let header: PredictionsHeader;
  try {
    header = JSON.parse(b.toString('utf8', 12, 12 + hlen)) as PredictionsHeader;
  } catch {
    throw new ExpError('data', `${file}: the header is not valid JSON`);
  }
  const n = header.count;
  const start = 12 + hlen + ((4 - ((12 + hlen) % 4)) % 4);
  if (start + 5 * n !== b.length) throw new ExpError('data', `${file} is truncated or corrupt: expected ${start + 5 * n} bytes, found ${b.length}`);
  // Copy the scores out: the file buffer's offset need not be 4-aligned in memory.
  const scores = new Float32Array(n);
  new Uint8Array(scores.buffer).set(b.subarray(start, start + 4 * n));
  const labels = new Uint8Array(b.subarray(start + 4 * n, start + 5 * n));
  return { scores, labels, header };
}

export function readPredictionsFile(path: string): Predictions {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    throw new ExpError('data', { message: `cannot read predictions file ${path}`, hint: 'the run may have stopped before evaluation' });
  }
  return decodePredictions(buf, path);
}

/** A fingerprint of a test set: the data's fingerprint and the test rows, hashed. */
export function testSetFingerprint(dataFingerprint: unknown, testRows: ArrayLike<number>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(dataFingerprint ?? null));
  const rows = testRows instanceof Uint32Array ? testRows : Uint32Array.from(testRows);
  h.update(new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
  return h.digest('hex');
}
