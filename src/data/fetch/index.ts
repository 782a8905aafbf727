// `exp data fetch NAME`: download a public data set, verify it, convert it to the seed's HDF5.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExpError } from '../../errors.ts';
import { sha256File } from '../checksum.ts';
import { convertCsvToHdf5 } from '../convert.ts';
import { DATASETS, datasetUrl } from './datasets.ts';
import { download } from './download.ts';

export interface FetchOptions {
  /** Where the download and the HDF5 file go. */
  dir: string;
  /** Base address holding the same file names (else EXP_DATA_MIRROR, else UCI). */
  mirror?: string;
  /** Expected SHA-256 instead of the registry's (for a mirror with a different file). */
  sha256?: string;
  /** Skip the HDF5 conversion. */
  convert?: boolean;
  log?: (line: string) => void;
  progressStream?: NodeJS.WriteStream;
}

export interface FetchResult {
  csv: string;
  h5: string | null;
  sha256: string;
  rows: number | null;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

export async function fetchDataset(name: string, opts: FetchOptions): Promise<FetchResult> {
  const entry = DATASETS[name.toLowerCase()];
  if (!entry) throw new ExpError('usage', { message: `unknown data set "${name}"`, hint: `one of ${Object.keys(DATASETS).join(', ')}` });
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  await mkdir(opts.dir, { recursive: true });
  const csv = join(opts.dir, entry.file);
  const h5 = join(opts.dir, entry.h5);
  const url = datasetUrl(entry, opts.mirror);
  const expected = opts.sha256 ?? entry.sha256;

  let sha256: string;
  if (await exists(csv)) {
    sha256 = await sha256File(csv);
    if (expected && sha256 !== expected.toLowerCase()) {
      throw new ExpError('data', { message: `${csv} exists but its SHA-256 is ${sha256}, expected ${expected}`, hint: `delete it and run the command again` });
    }
    log(`${csv} already downloaded`);
  } else {
    log(`downloading ${url}`);
    const got = await download({
      url,
      dest: csv,
      sha256: expected,
      label: entry.file,
      progressStream: opts.progressStream,
      offlineHint:
        `download ${url} on a machine with internet, copy it here and run \`exp data convert ${entry.file} ${entry.h5}\`; ` +
        'or use the embedded simulator (data.source: higgs-sim), which needs no download',
    });
    sha256 = got.sha256;
    log(`${csv}: ${got.bytes} bytes${got.resumedFrom ? ` (resumed at ${got.resumedFrom})` : ''}`);
  }
  if (expected) {
    log(`SHA-256 ${sha256} verified`);
  } else {
    await writeFile(`${csv}.sha256`, `${sha256}  ${entry.file}\n`);
    log(`SHA-256 ${sha256} (no published checksum; recorded in ${csv}.sha256; put it in data.sha256 to pin it)`);
  }
  if (opts.convert === false) return { csv, h5: null, sha256, rows: null };
  if ((await exists(h5)) && (await stat(h5)).mtimeMs >= (await stat(csv)).mtimeMs) {
    log(`${h5} already converted (delete it to convert again)`);
    return { csv, h5, sha256, rows: null };
  }
  log(`converting to ${h5}`);
  const { rows } = await convertCsvToHdf5(csv, h5, { catalogue: entry.catalogue });
  log(`${h5}: ${rows} rows x ${entry.catalogue === 'higgs' ? 28 : 18} columns (datasets features, targets)`);
  return { csv, h5, sha256, rows };
}
