// Shared by the data tests: temporary directories and small generated data sets.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Rng } from '../../src/util/rng.ts';

export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'exp-data-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** rows x cols float32 features with mixed scales and signs, labels 0/1. */
export function randomTable(rows: number, cols: number, seed = 1): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = rng.uniform() < 0.53 ? 1 : 0;
    for (let c = 0; c < cols; c++) x[r * cols + c] = rng.normal() * 10 ** ((c % 5) - 2) + (c % 3 === 0 ? 1 : 0);
  }
  return { x, y };
}

/**
 * CSV text in the UCI layout (label, then features; no header). String(v) of a float32 value
 * is the shortest decimal that reads back as the same double, hence the same float32.
 */
export function uciCsv(x: Float32Array, y: Float32Array, cols: number): string {
  const lines: string[] = [];
  for (let r = 0; r < y.length; r++) {
    const f = [String(y[r])];
    for (let c = 0; c < cols; c++) f.push(String(x[r * cols + c]));
    lines.push(f.join(','));
  }
  return lines.join('\n') + '\n';
}

export function writeGz(path: string, text: string): void {
  writeFileSync(path, gzipSync(Buffer.from(text)));
}
