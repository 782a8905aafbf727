// Commands over recorded runs: `exp runs`, `exp show`, `exp diff`, `exp compare`,
// `exp evaluate` and `exp predict`. Every table also prints as --json or --markdown.
import type { Command } from 'commander';
import { Option } from 'commander';
import { resolve } from 'node:path';
import { ExpError } from '../../errors.ts';
import { listRuns, resolveRun, readEvaluations, readMetrics, modelNames, type RunInfo } from '../../runs/store.ts';
import { diffRuns, modelMetrics } from '../../runs/diff.ts';
import { renderTable, cellText, type Cell, type TableMode } from '../../runs/table.ts';

interface OutFlags {
  json?: boolean;
  markdown?: boolean;
  runsDir?: string;
}

function runsDir(o: OutFlags): string {
  return resolve(o.runsDir ?? (process.env.EXP_RUNS_DIR || 'runs'));
}

function mode(o: OutFlags): TableMode {
  if (o.json && o.markdown) throw new ExpError('usage', 'choose one of --json and --markdown');
  return o.markdown ? 'markdown' : 'terminal';
}

const out = (s: string): void => {
  process.stdout.write(s);
};
const json = (v: unknown): void => out(JSON.stringify(v, null, 2) + '\n');

function addOutput(cmd: Command): Command {
  return cmd
    .option('--runs-dir <dir>', 'where the runs are (default: $EXP_RUNS_DIR, else ./runs)')
    .option('--json', 'print JSON instead of a table')
    .option('--markdown', 'print Markdown tables');
}

/** A date filter: an ISO date/time, or an age like 30m, 12h, 7d (that long ago). */
export function parseWhen(s: string, flag: string, now = Date.now()): number {
  const m = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(s.trim());
  if (m) return now - Number(m[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 }[m[2] as 's']!;
  const t = Date.parse(s);
  if (!Number.isFinite(t)) throw new ExpError('usage', { message: `${flag} ${JSON.stringify(s)} is not a date`, hint: 'use e.g. 2026-03-01, 2026-03-01T12:00, or an age such as 12h or 7d' });
  return t;
}

function shortDate(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace('T', ' ') + 'Z';
}

const STATUSES = ['running', 'finished', 'failed', 'interrupted', 'dead'];

function listCommand(program: Command) {
  addOutput(
    program
      .command('runs')
      .description('list recorded runs: id, name, status (a run whose heartbeat stopped is dead), date and each model\'s test AUC')
      .option('--name <text>', 'only runs whose name contains this text')
      .addOption(new Option('--status <status>', 'only runs with this status').choices(STATUSES))
      .option('--since <when>', 'only runs started at or after (date, or age like 7d)')
      .option('--until <when>', 'only runs started before (date, or age like 1h)')
      .option('--last <n>', 'only the N most recent (after filtering)'),
  )
    .addHelpText('after', '\nExamples:\n  $ exp runs --status finished --since 7d\n  $ exp runs --name seed --markdown\n')
    .action((o: OutFlags & { name?: string; status?: string; since?: string; until?: string; last?: string }) => {
      const m = mode(o);
      const since = o.since ? parseWhen(o.since, '--since') : -Infinity;
      const until = o.until ? parseWhen(o.until, '--until') : Infinity;
      let runs = listRuns(runsDir(o)).filter((r) => {
        const t = Date.parse(r.record.started_at);
        return (!o.name || (r.record.name ?? '').includes(o.name)) && (!o.status || r.status === o.status) && !(t < since) && !(t >= until);
      });
      if (o.last !== undefined) {
        const n = Number(o.last);
        if (!Number.isInteger(n) || n < 0) throw new ExpError('usage', '--last needs a whole number');
        runs = runs.slice(Math.max(0, runs.length - n));
      }
      const rows = runs.map((r) => {
        const ev = readEvaluations(r);
        const auc: Record<string, number | null> = {};
        for (const mn of modelNames(r)) auc[mn] = ev[mn]?.auc ?? null;
        return { id: r.id, name: r.record.name, status: r.status, started_at: r.record.started_at, dir: r.dir, auc };
      });
      if (o.json) return json(rows);
      if (rows.length === 0) return out(`no runs in ${runsDir(o)}${o.name || o.status || o.since || o.until ? ' matching the filters' : ''}\n`);
      const models = [...new Set(rows.flatMap((r) => Object.keys(r.auc)))];
      out(renderTable(['id', 'name', 'status', 'started', ...models.map((mn) => `${mn} AUC`)], rows.map((r) => [r.id, r.name, r.status, shortDate(r.started_at), ...models.map((mn) => r.auc[mn])]), m, { align: ['left', 'left', 'left', 'left', ...models.map(() => 'right' as const)] }));
    });
}

function metricsRows(run: RunInfo): { model: string; metrics: Record<string, number | null> }[] {
  const ev = readEvaluations(run);
  return modelNames(run).map((mn) => ({ model: mn, metrics: modelMetrics(ev[mn], readMetrics(run, mn)) }));
}

function showCommand(program: Command) {
  addOutput(program.command('show').description('show one run: its record, per-model metrics and files').argument('<run>', 'id, unique prefix, path, latest or latest~N'))
    .option('--epochs', 'also print the per-epoch metrics of each model')
    .option('--report', 'regenerate plots/*.svg and report.html first')
    .addHelpText('after', '\nExamples:\n  $ exp show latest\n  $ exp show latest~1 --epochs --json\n')
    .action(async (ref: string, o: OutFlags & { epochs?: boolean; report?: boolean }) => {
      const m = mode(o);
      const run = resolveRun(runsDir(o), ref);
      if (o.report) {
        const { writeRunReport } = await import('../../runs/report.ts');
        writeRunReport(run.dir);
      }
      const models = metricsRows(run);
      const epochs = Object.fromEntries(modelNames(run).map((mn) => [mn, readMetrics(run, mn)]));
      if (o.json) return json({ id: run.id, dir: run.dir, status: run.status, record: run.record, models, ...(o.epochs ? { epochs } : {}) });
      const r = run.record;
      const info: [string, Cell][] = [
        ['id', run.id],
        ['name', r.name],
        ['status', run.status + (r.error?.message ? ` (${r.error.message})` : '')],
        ['started', r.started_at],
        ['ended', r.ended_at],
        ['dir', run.dir],
        ['git', r.git ? `${r.git.commit.slice(0, 12)}${r.git.dirty ? ' (dirty)' : ''}` : null],
        ['backend', r.backend ? `${r.backend.name}${r.backend.device ? ` (${r.backend.device})` : ''}` : null],
        ['seed', r.seed],
        ['command', (r.command ?? []).join(' ')],
      ];
      out(renderTable(['field', 'value'], info, m, { align: ['left', 'left'] }));
      if (models.length) {
        const keys = [...new Set(models.flatMap((x) => Object.keys(x.metrics)))];
        out('\n' + renderTable(['metric', ...models.map((x) => x.model)], keys.map((k) => [k, ...models.map((x) => x.metrics[k] ?? null)]), m));
      }
      if (o.epochs) {
        for (const [mn, rows] of Object.entries(epochs)) {
          if (!rows.length) continue;
          const cols = [...new Set(rows.flatMap((x) => Object.keys(x)))];
          out(`\n${mn}\n` + renderTable(cols, rows.map((x) => cols.map((c) => x[c] ?? null)), m, { align: cols.map(() => 'right') }));
        }
      }
    });
}

function diffCommand(program: Command) {
  addOutput(
    program
      .command('diff')
      .description('what changed between two runs (spec keys) and every metric side by side, with the AUC difference against its noise')
      .argument('<run_a>', 'the reference run')
      .argument('<run_b>', 'the run compared with it'),
  )
    .addHelpText('after', '\nExamples:\n  $ exp diff latest~1 latest\n  $ exp diff 20260301-1200 20260301-1315 --markdown\n')
    .action((a: string, b: string, o: OutFlags) => {
      const m = mode(o);
      const dir = runsDir(o);
      const d = diffRuns(resolveRun(dir, a), resolveRun(dir, b));
      if (o.json) return json(d);
      out(`A: ${d.a.id}\nB: ${d.b.id}\n\n`);
      const v = (x: unknown) => (x === null || x === undefined ? '—' : typeof x === 'string' ? x : JSON.stringify(x));
      if (d.spec.length === 0) out('spec: no changes\n');
      else out('spec changes\n' + renderTable(['key', 'A', 'B'], d.spec.map((c) => [c.key, v(c.a), v(c.b)]), m, { align: ['left', 'left', 'left'] }));
      if (d.metrics.length) {
        out('\nmetrics\n' + renderTable(['model', 'metric', 'A', 'B', 'B - A'], d.metrics.map((x) => [x.model, x.metric, x.a, x.b, x.delta === null ? null : (x.delta > 0 ? '+' : '') + cellText(x.delta)]), m, { align: ['left', 'left', 'right', 'right', 'right'] }));
      }
      if (d.auc.length) {
        out(
          '\nAUC difference against statistical noise\n' +
            renderTable(
              ['model', 'AUC A', 'AUC B', 'B - A', 'SE', 'z', 'p', 'verdict', 'method'],
              d.auc.map((x) => [x.model, x.a, x.b, x.delta, x.se, x.z === null ? null : x.z.toFixed(2), x.p_value === null ? null : x.p_value.toPrecision(3), x.significant === null ? 'unknown' : x.significant ? 'exceeds noise (p < 0.05)' : 'within noise', `${x.method}: ${x.note}`]),
              m,
              { align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left'] },
            ),
        );
      }
    });
}

function compareCommand(program: Command) {
  addOutput(
    program
      .command('compare')
      .description('one table of models x runs (test AUC ± SE by default)')
      .argument('<runs...>', 'two or more runs')
      .option('--metric <name>', 'a metric from `exp show` (e.g. test.loss, final.val_loss, test.sig_eff@bkg_eff=0.01)', 'test.auc')
      .addHelpText('after', '\nExamples:\n  $ exp compare latest~2 latest~1 latest\n  $ exp compare latest~1 latest --metric test.loss --markdown\n'),
  ).action((refs: string[], o: OutFlags & { metric: string }) => {
    const m = mode(o);
    const dir = runsDir(o);
    const runs = refs.map((r) => resolveRun(dir, r));
    const per = runs.map((r) => Object.fromEntries(metricsRows(r).map((x) => [x.model, x.metrics])));
    const models = [...new Set(per.flatMap((p) => Object.keys(p)))];
    const known = new Set(per.flatMap((p) => Object.values(p).flatMap((x) => Object.keys(x))));
    if (models.length && !known.has(o.metric)) throw new ExpError('usage', { message: `unknown metric "${o.metric}"`, hint: `one of ${[...known].join(', ')}` });
    const table: Record<string, Record<string, { value: number | null; se?: number | null }>> = {};
    for (const mn of models) {
      table[mn] = {};
      runs.forEach((r, i) => {
        const mm = per[i]![mn];
        table[mn]![r.id] = { value: mm?.[o.metric] ?? null, ...(o.metric === 'test.auc' ? { se: mm?.['test.auc_se'] ?? null } : {}) };
      });
    }
    if (o.json) return json({ metric: o.metric, runs: runs.map((r) => r.id), models: table });
    out(
      renderTable(
        [`model \\ ${o.metric}`, ...runs.map((r) => r.id)],
        models.map((mn) => [mn, ...runs.map((r) => {
          const c = table[mn]![r.id]!;
          return c.value === null ? null : c.se ? `${cellText(c.value)} ± ${cellText(c.se)}` : c.value;
        })]),
        m,
      ),
    );
  });
}

interface ApplyFlags extends OutFlags {
  data: string;
  model?: string[];
  best?: boolean;
  events?: string;
  header?: boolean;
  labelColumn?: string;
  backend?: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  out?: string;
}

function collectList(v: string, prev: string[]): string[] {
  return [...prev, ...v.split(',').filter(Boolean)];
}

function addApply(cmd: Command): Command {
  return addOutput(cmd)
    .argument('<run>', 'id, unique prefix, path, latest or latest~N')
    .requiredOption('--data <file_or_spec>', 'a data file (.h5, .csv, .csv.gz, .tsv) or a spec whose data section to read')
    .option('--model <name>', 'only this model (repeatable or comma-separated)', collectList, [])
    .option('--best', 'use the best checkpoint instead of the final model')
    .option('--events <n>', 'read at most N events')
    .option('--header', 'a CSV/TSV data file has a header line (otherwise the run\'s layout: UCI, label first)')
    .option('--label-column <name>', 'label column of a headed CSV/TSV data file', 'label')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'));
}

function csvFlags(o: ApplyFlags): { header?: boolean; labelColumn?: string } {
  return o.header ? { header: true, labelColumn: o.labelColumn } : {};
}

function events(o: ApplyFlags): number | undefined {
  if (o.events === undefined) return undefined;
  const n = Number(o.events);
  if (!Number.isInteger(n) || n < 1) throw new ExpError('usage', '--events needs a positive whole number');
  return n;
}

function evaluateCommand(program: Command) {
  addApply(program.command('evaluate').description('apply a run\'s saved models and scaler to other data (every event of it: no split) and evaluate them'))
    .option('--out <file>', 'also write the full evaluations (ROC, working points, histograms) as JSON')
    .addHelpText('after', '\nExamples:\n  $ exp evaluate latest --data data/HIGGS.h5 --events 500000\n  $ exp evaluate 20260301 --data experiments/paper.yaml --json\n')
    .action(async (ref: string, o: ApplyFlags) => {
      const m = mode(o);
      const run = resolveRun(runsDir(o), ref);
      const { scoreWithRun } = await import('../../runs/apply.ts');
      const { evaluateScores } = await import('../../evaluate/evaluate.ts');
      const scored = await scoreWithRun(run, o.data, { models: o.model, best: o.best, events: events(o), csv: csvFlags(o), backend: o.backend, log: (s) => process.stderr.write(s + '\n') });
      const evaluations = Object.fromEntries(Object.entries(scored.scores).map(([mn, s]) => [mn, evaluateScores({ test: { scores: s, labels: scored.labels } })]));
      if (o.out) {
        const { writeFileAtomic } = await import('../../util/atomic.ts');
        writeFileAtomic(resolve(o.out), JSON.stringify({ run: run.id, data: o.data, fingerprint: scored.fingerprint, events: scored.rows, models: evaluations }, null, 2) + '\n');
      }
      const summary = Object.entries(evaluations).map(([mn, e]) => ({
        model: mn,
        events: e.events.test.signal + e.events.test.background,
        auc: e.auc,
        auc_se: e.auc_se,
        loss: e.loss,
        accuracy: e.accuracy,
        working_points: e.working_points,
      }));
      if (o.json) return json({ run: run.id, data: o.data, fingerprint: scored.fingerprint, models: summary });
      const wps = evaluations[summary[0]?.model ?? '']?.working_points.map((w) => w.background_efficiency) ?? [];
      out(`run ${run.id} on ${o.data} (${scored.rows} events)\n`);
      out(renderTable(['model', 'AUC', '± SE', 'loss', 'accuracy', ...wps.map((w) => `sig eff @ bkg ${w}`)], summary.map((s) => [s.model, s.auc, s.auc_se, s.loss, s.accuracy, ...s.working_points.map((w) => w.signal_efficiency)]), m));
    });
}

function predictCommand(program: Command) {
  addApply(program.command('predict').description('apply a run\'s saved models and scaler to other data and write the scores'))
    .requiredOption('--out <file>', 'output: .csv (label and one column per model) or .bin (exp predictions format, one model)')
    .addHelpText('after', '\nExamples:\n  $ exp predict latest --data data/HIGGS.h5 --out scores.csv\n  $ exp predict latest --data new.csv --model deep --out deep.bin\n')
    .action(async (ref: string, o: ApplyFlags & { out: string }) => {
      const run = resolveRun(runsDir(o), ref);
      const target = resolve(o.out);
      const isBin = target.endsWith('.bin');
      if (!isBin && !target.endsWith('.csv')) throw new ExpError('usage', { message: `--out ${o.out}: unknown format`, hint: 'use a .csv or .bin file name' });
      const { scoreWithRun } = await import('../../runs/apply.ts');
      const scored = await scoreWithRun(run, o.data, { models: o.model, best: o.best, events: events(o), csv: csvFlags(o), backend: o.backend, log: (s) => process.stderr.write(s + '\n') });
      const models = Object.keys(scored.scores);
      if (isBin) {
        if (models.length !== 1) throw new ExpError('usage', { message: `--out ${o.out}: a .bin file holds one model's scores, this run has ${models.length}`, hint: 'choose one with --model, or write .csv' });
        const { writePredictionsFile } = await import('../../runs/predictions.ts');
        writePredictionsFile(target, scored.scores[models[0]!]!, scored.labels, { model: models[0], run: run.id, data: o.data, data_fingerprint: scored.fingerprint });
      } else {
        const { writeChunksAtomic } = await import('../../util/atomic.ts');
        // Chunked text so 10M rows never become one giant string.
        const chunks: Uint8Array[] = [Buffer.from(['label', ...models].join(',') + '\n')];
        const cols = models.map((mn) => scored.scores[mn]!);
        for (let start = 0; start < scored.rows; start += 100_000) {
          const lines: string[] = [];
          for (let i = start; i < Math.min(scored.rows, start + 100_000); i++) lines.push([scored.labels[i], ...cols.map((c) => c[i])].join(','));
          chunks.push(Buffer.from(lines.join('\n') + '\n'));
        }
        writeChunksAtomic(target, chunks);
      }
      if (o.json) return json({ run: run.id, out: target, rows: scored.rows, models });
      process.stderr.write(`wrote ${scored.rows} scores of ${models.join(', ')} to ${target}\n`);
    });
}

export function register(program: Command): void {
  listCommand(program);
  showCommand(program);
  diffCommand(program);
  compareCommand(program);
  evaluateCommand(program);
  predictCommand(program);
}
