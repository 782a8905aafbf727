// `exp data fetch|convert|info`: get the public data sets, convert CSV to the seed's HDF5
// layout, and summarise a data file.
import { Command, Option } from 'commander';
import Table from 'cli-table3';
import { ExpError } from '../../errors.ts';
import { CATALOGUE_NAMES, type CatalogueName } from '../../data/catalogues.ts';
import { convertCsvToHdf5, dataInfo, type DataInfo } from '../../data/convert.ts';
import type { Delimiter } from '../../data/csv/reader.ts';
import { DATASETS } from '../../data/fetch/datasets.ts';
import { fetchDataset } from '../../data/fetch/index.ts';

interface CsvFlags {
  header?: boolean;
  labelColumn?: string;
  delimiter?: string;
  catalogue?: string;
}

const DELIMITERS: Record<string, Delimiter> = { auto: 'auto', ',': ',', comma: ',', tab: '\t', '\\t': '\t', '\t': '\t', ';': ';', semicolon: ';', space: ' ', ' ': ' ' };

function delimiter(d: string | undefined): Delimiter {
  if (d === undefined) return 'auto';
  const v = DELIMITERS[d];
  if (!v) throw new ExpError('usage', { message: `unknown delimiter ${JSON.stringify(d)}`, hint: 'one of auto, comma, tab, semicolon, space' });
  return v;
}

function csvOptions(o: CsvFlags) {
  return { header: o.header ?? false, labelColumn: o.labelColumn ?? 'label', delimiter: delimiter(o.delimiter), catalogue: (o.catalogue ?? 'auto') as CatalogueName | 'auto' };
}

function addCsvFlags(cmd: Command): Command {
  return cmd
    .option('--header', 'the CSV has a header line (otherwise UCI layout: label first)')
    .option('--label-column <name>', 'label column of a headed CSV', 'label')
    .option('--delimiter <d>', 'auto (tab for .tsv), comma, tab, semicolon, space', 'auto')
    .addOption(new Option('--catalogue <name>', 'column names for nameless files').choices(['auto', ...CATALOGUE_NAMES]).default('auto'));
}

const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4)) : String(v));

function printInfo(info: DataInfo): void {
  const out = process.stdout;
  out.write(`${info.file} (${info.format})\n`);
  out.write(`rows: ${info.rows}  columns: ${info.columns}  dtype: features ${info.dtype.features}, targets ${info.dtype.targets}\n`);
  const c = info.classes;
  out.write(`classes: signal ${c.signal} (${(100 * c.signalFraction).toFixed(2)}%), background ${c.background}${c.other ? `, other labels ${c.other}` : ''}\n`);
  if (info.nonFinite) out.write(`non-finite values: ${info.nonFinite}\n`);
  const table = new Table({
    head: ['#', 'column', 'min', 'mean', 'max'],
    colAligns: ['right', 'left', 'right', 'right', 'right'],
    // No colours (pipes and logs) and no rule between rows (28 rows stay readable).
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  info.stats.forEach((s, i) => table.push([i, s.name, fmt(s.min), fmt(s.mean), fmt(s.max)]));
  out.write(`${table.toString()}\n`);
}

export function register(program: Command): void {
  const data = program
    .command('data')
    .description('fetch, convert and inspect data files')
    .addHelpText('after', '\nExamples:\n  $ exp data fetch higgs\n  $ exp data convert HIGGS.csv.gz HIGGS.h5\n  $ exp data info HIGGS.h5\n');

  data
    .command('fetch')
    .description(`download a public data set (${Object.keys(DATASETS).join(', ')}) from UCI, verify its SHA-256 and convert it to HDF5`)
    .argument('<name>', Object.keys(DATASETS).join(' | '))
    .option('--dir <dir>', 'where to put the download and the HDF5 file', 'data')
    .option('--mirror <url>', 'base address holding the same file names (default: EXP_DATA_MIRROR, else UCI)')
    .option('--sha256 <hex>', 'expected SHA-256 instead of the published one')
    .option('--no-convert', 'only download and verify')
    .addHelpText('after', '\nExamples:\n  $ exp data fetch higgs            # data/HIGGS.csv.gz -> data/HIGGS.h5\n  $ EXP_DATA_MIRROR=http://host/uci exp data fetch susy --dir /scratch\n')
    .action(async (name: string, o: { dir: string; mirror?: string; sha256?: string; convert: boolean }) => {
      if (o.sha256 && !/^[0-9a-fA-F]{64}$/.test(o.sha256)) throw new ExpError('usage', { message: '--sha256 must be 64 hex digits' });
      const r = await fetchDataset(name, { dir: o.dir, mirror: o.mirror, sha256: o.sha256, convert: o.convert });
      process.stdout.write(`${r.h5 ?? r.csv}\n`);
    });

  addCsvFlags(
    data
      .command('convert')
      .description('convert CSV, CSV.gz or TSV (UCI layout or headed) to HDF5 in the seed layout (features, targets), streaming')
      .argument('<in>', 'CSV / CSV.gz / TSV file')
      .argument('<out>', 'HDF5 file to write'),
  )
    .addHelpText('after', '\nExamples:\n  $ exp data convert HIGGS.csv.gz HIGGS.h5\n  $ exp data convert events.tsv events.h5 --header --label-column signal\n')
    .action(async (input: string, output: string, o: CsvFlags) => {
      const t0 = Date.now();
      let last = t0;
      const r = await convertCsvToHdf5(input, output, {
        ...csvOptions(o),
        onProgress: (rows) => {
          if (Date.now() - last > 10_000) {
            last = Date.now();
            process.stderr.write(`${rows} rows\n`);
          }
        },
      });
      const secs = (Date.now() - t0) / 1000;
      process.stdout.write(`${output}: ${r.rows} rows x ${r.cols} columns in ${secs.toFixed(1)} s${r.columns ? '' : ' (no column names stored)'}\n`);
    });

  addCsvFlags(
    data
      .command('info')
      .description('rows, columns, dtype, class balance and per-column min/mean/max of an HDF5 or CSV file')
      .argument('<file>', 'HDF5, CSV, CSV.gz or TSV file'),
  )
    .option('--features-dataset <name>', 'HDF5 feature dataset', 'features')
    .option('--targets-dataset <name>', 'HDF5 label dataset', 'targets')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ exp data info data/HIGGS.h5\n  $ exp data info events.tsv --header --label-column signal --json\n')
    .action(async (file: string, o: CsvFlags & { featuresDataset: string; targetsDataset: string; json?: boolean }) => {
      const info = await dataInfo(file, { ...csvOptions(o), featuresDataset: o.featuresDataset, targetsDataset: o.targetsDataset });
      if (o.json) process.stdout.write(`${JSON.stringify(info, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
      else printInfo(info);
    });
}
