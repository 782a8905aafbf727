// The public data sets `exp data fetch` knows: where they live and what they should hash to.
import type { CatalogueName } from '../catalogues.ts';

export interface DatasetEntry {
  name: string;
  /** File name of the download (also the name under a mirror). */
  file: string;
  url: string;
  /** Published SHA-256 of the download, or null when none is known (it is then recorded). */
  sha256: string | null;
  /** The converted file, in the seed layout. */
  h5: string;
  catalogue: CatalogueName;
  rows: number;
  bytes: number;
}

export const DATASETS: Record<string, DatasetEntry> = {
  higgs: {
    name: 'higgs',
    file: 'HIGGS.csv.gz',
    url: 'https://archive.ics.uci.edu/ml/machine-learning-databases/00280/HIGGS.csv.gz',
    sha256: 'ea302c18164d4e3d916a1e2e83a9a8d07069fa6ebc7771e4c0540d54e593b698',
    h5: 'HIGGS.h5',
    catalogue: 'higgs',
    rows: 11_000_000,
    bytes: 2_816_407_858,
  },
  susy: {
    name: 'susy',
    file: 'SUSY.csv.gz',
    url: 'https://archive.ics.uci.edu/ml/machine-learning-databases/00279/SUSY.csv.gz',
    sha256: null,
    h5: 'SUSY.h5',
    catalogue: 'susy',
    rows: 5_000_000,
    bytes: 922_377_711,
  },
};

/** The download address: `mirror/FILE` when a mirror is set (option or EXP_DATA_MIRROR), else UCI. */
export function datasetUrl(entry: DatasetEntry, mirror?: string | null): string {
  const m = mirror ?? process.env.EXP_DATA_MIRROR;
  return m ? `${m.replace(/\/+$/, '')}/${entry.file}` : entry.url;
}
