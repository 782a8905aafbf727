// h5wasm's Node build reads and writes the host file system directly (Emscripten
// NODERAWFS), so HDF5 files are opened from disk without loading them into memory.
//
// The module is imported lazily: its 4 MB Emscripten glue takes seconds to load and, under
// tsx's loader (tests, `node --import tsx`), about 600 MB of RSS, which runs on the
// simulator and commands that never touch HDF5 should not pay.
import type h5wasmType from 'h5wasm/node';
import { open } from 'node:fs/promises';
import { ExpError } from '../../errors.ts';

export type H5 = typeof h5wasmType;
export type H5File = InstanceType<H5['File']>;
export type H5Dataset = InstanceType<H5['Dataset']>;

let loaded: Promise<H5> | null = null;

/** The initialised h5wasm module (the WebAssembly compiles once per process). */
export function h5(): Promise<H5> {
  loaded ??= import('h5wasm/node').then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  return loaded;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Checks that `path` exists and looks like HDF5 before libhdf5 sees it: libhdf5 prints a
 * page of diagnostics to stderr on a failed open, which a user should never see for a typo.
 * The superblock may sit at 0, 512, 1024, 2048, ... (user block); we check those up to 64 KiB.
 */
export async function assertHdf5File(path: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ExpError('data', { message: `${path}: no such file`, hint: 'check the file name; `exp data fetch higgs` downloads HIGGS and converts it to HDF5' });
    throw new ExpError('data', { message: `${path}: cannot open (${code ?? String(e)})` });
  }
  try {
    const buf = Buffer.alloc(8);
    for (let at = 0; at <= 65536; at = at === 0 ? 512 : at * 2) {
      const { bytesRead } = await fh.read(buf, 0, 8, at);
      if (bytesRead < 8) break;
      if (SIGNATURE.every((b, i) => buf[i] === b)) return;
    }
  } finally {
    await fh.close();
  }
  throw new ExpError('data', { message: `${path}: not an HDF5 file`, hint: 'for CSV files use source: csv, or convert with `exp data convert`' });
}

/** Opens an HDF5 file read-only after checking it exists and is HDF5. */
export async function openHdf5(path: string): Promise<H5File> {
  await assertHdf5File(path);
  const lib = await h5();
  try {
    return new lib.File(path, 'r');
  } catch (e) {
    throw new ExpError('data', { message: `${path}: cannot open as HDF5 (${(e as Error).message})` });
  }
}

/** Every dataset path in the file, for "dataset not found" messages. */
export function listDatasets(file: H5File, lib: H5): string[] {
  const out: string[] = [];
  for (const p of file.paths()) {
    const e = file.get(p);
    if (e instanceof lib.Dataset) out.push(p.replace(/^\//, ''));
  }
  return out;
}

/** Converts whatever numeric typed array h5wasm returns into float32. */
export function toFloat32(data: unknown, what: string): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
    return out;
  }
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    return new Float32Array(data as unknown as Float64Array);
  }
  throw new ExpError('data', `${what}: not a numeric dataset (HDF5 integer or float types only)`);
}
