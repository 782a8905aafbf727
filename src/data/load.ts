// Loads the table a run trains on: opens the spec's data source, verifies the file, resolves
// the feature selection, and copies the chosen columns into one float32 matrix, checking
// labels and values on the way. Everything here fails before any training starts.
import { stat } from 'node:fs/promises';
import { ExpError, unwrap, type Problem } from '../errors.ts';
import { resolveFeatures } from './catalogues.ts';
import { sha256File } from './checksum.ts';
import { withDataDefaults, type DataOptions } from './options.ts';
import { openSource, type LoadContext } from './sources/registry.ts';
import type { Table } from './types.ts';

export type { LoadContext } from './sources/registry.ts';
export type { DataOptions } from './options.ts';

export interface LoadedTable extends Table {
  /** For run.json's data.fingerprint: the file's SHA-256 and row range, or the simulator's parameters. */
  fingerprint: Record<string, unknown>;
  /** Rows skipped by nan_policy: drop. */
  dropped: number;
  /** Column indices of the source that became this table's columns. */
  sourceColumns: number[];
}

/** Rows per chunk read from a source: 65536 x 28 float32 is 7 MiB. */
const CHUNK_ROWS = 65536;

export interface LoadOptions {
  /** Called after each chunk with the rows read so far (and the total when known). */
  onProgress?: (rowsRead: number, total: number | null) => void;
}

export async function loadTable(dataSpec: DataOptions | undefined, ctx: LoadContext, opts: LoadOptions = {}): Promise<LoadedTable> {
  const data = withDataDefaults(dataSpec);
  const { source, file } = openSource(data, ctx);

  let fileFingerprint: Record<string, unknown> = {};
  if (file) {
    let size: number;
    try {
      const st = await stat(file);
      if (!st.isFile()) throw new ExpError('data', { path: 'data.path', message: `${file}: not a file` });
      size = st.size;
    } catch (e) {
      if (e instanceof ExpError) throw e;
      throw new ExpError('data', { path: 'data.path', message: `${file}: no such file`, hint: 'check data.path (relative to the spec file); `exp data fetch higgs` downloads HIGGS' });
    }
    const sha256 = await sha256File(file);
    if (data.sha256 && data.sha256.toLowerCase() !== sha256) {
      throw new ExpError('data', {
        path: 'data.sha256',
        message: `${file}: SHA-256 is ${sha256}, the spec expects ${data.sha256.toLowerCase()}`,
        hint: 'the file changed or is not the one the spec was written for; fetch it again or update data.sha256',
      });
    }
    fileFingerprint = { file: data.path, sha256, bytes: size };
  }

  const desc = await source.describe();
  const features = unwrap(resolveFeatures(data.catalogue, data.features, desc.columns), 'spec');
  const idx = features.indices;
  const cols = idx.length;
  const srcCols = desc.columns.length;
  const dropBad = data.nan_policy === 'drop';

  // Preallocate when the row count is known; otherwise grow by 1.5x and trim once at the end.
  const expected = desc.rows ?? data.events;
  let capacity = expected ?? CHUNK_ROWS * 4;
  let x = new Float32Array(capacity * cols);
  let y = new Float32Array(capacity);
  let rows = 0;
  let seen = 0;
  let badLabels = 0;
  let firstBadLabel = -1;
  let badLabelValue = 0;
  let nonFinite = 0;
  let firstNonFinite = -1;

  for await (const chunk of source.chunks(CHUNK_ROWS)) {
    if (chunk.x.length !== chunk.rows * srcCols) {
      throw new ExpError('data', `${file ?? data.source}: a chunk of ${chunk.rows} rows has ${chunk.x.length} values, expected ${chunk.rows * srcCols}`);
    }
    if (rows + chunk.rows > capacity) {
      capacity = Math.max(rows + chunk.rows, Math.ceil(capacity * 1.5));
      const nx = new Float32Array(capacity * cols);
      nx.set(x.subarray(0, rows * cols));
      const ny = new Float32Array(capacity);
      ny.set(y.subarray(0, rows));
      x = nx;
      y = ny;
    }
    const cx = chunk.x;
    for (let r = 0; r < chunk.rows; r++, seen++) {
      const label = chunk.y[r];
      const base = r * srcCols;
      const out = rows * cols;
      // v - v is 0 for finite v and NaN for NaN or +-Inf.
      let finite = label - label === 0;
      for (let c = 0; c < cols; c++) {
        const v = cx[base + idx[c]];
        x[out + c] = v;
        if (v - v !== 0) finite = false;
      }
      if (!finite) {
        nonFinite++;
        if (firstNonFinite < 0) firstNonFinite = seen;
        if (dropBad) continue;
      } else if (label !== 0 && label !== 1) {
        badLabels++;
        if (firstBadLabel < 0) {
          firstBadLabel = seen;
          badLabelValue = label;
        }
      }
      y[rows++] = label;
    }
    opts.onProgress?.(seen, expected);
  }

  const where = file ?? data.source;
  const rowName = (i: number) => `row ${data.offset + i + 1}`;
  const problems: Problem[] = [];
  if (badLabels > 0) {
    problems.push({
      message: `${where}: ${badLabels} label${badLabels === 1 ? '' : 's'} outside {0, 1} (first: ${rowName(firstBadLabel)}, label ${badLabelValue})`,
      hint: 'labels must be 0 (background) or 1 (signal); for CSV check data.header / data.label_column',
    });
  }
  if (nonFinite > 0 && !dropBad) {
    problems.push({
      path: 'data.nan_policy',
      message: `${where}: ${nonFinite} row${nonFinite === 1 ? '' : 's'} with NaN or infinite values in the selected features or label (first: ${rowName(firstNonFinite)})`,
      hint: 'fix the file, or set data.nan_policy: drop to skip those rows',
    });
  }
  if (problems.length > 0) throw new ExpError('data', problems);
  if (data.events != null && seen < data.events) {
    throw new ExpError('data', { path: 'data.events', message: `${where}: ${seen} rows read, fewer than the ${data.events} requested` });
  }
  if (rows === 0) throw new ExpError('data', { message: `${where}: no rows to train on${nonFinite ? ` (all ${nonFinite} dropped by nan_policy)` : ''}` });

  if (capacity !== rows) {
    x = x.slice(0, rows * cols);
    y = y.slice(0, rows);
  }
  return {
    x,
    y,
    rows,
    cols,
    columns: features.names,
    // The absolute path is machine-specific; the fingerprint keeps data.path as written.
    fingerprint: { ...withoutPath(desc.fingerprint), ...fileFingerprint, ...(dropBad ? { dropped: nonFinite } : {}) },
    dropped: dropBad ? nonFinite : 0,
    sourceColumns: idx,
  };
}

function withoutPath(f: Record<string, unknown>): Record<string, unknown> {
  const out = { ...f };
  delete out.path;
  return out;
}
