// plots/*.svg and report.html for a run directory. renderRunFigures and renderReportHtml are
// pure; writeRunReport reads the run directory and writes the files atomically, so it can run
// at the end of `exp run` and again later (`exp show RUN --report`), also for failed runs.
import { join } from 'node:path';
import type { Evaluation } from '../evaluate/evaluate.ts';
import { rocRejectionSvg, rocSvg, lossSvg, scoreDistributionSvg } from './plots/figures.ts';
import { esc } from './plots/svg.ts';
import type { RunRecord } from './record.ts';
import { readRun, readEvaluations, readMetrics, readSpecText, modelNames, type RunInfo } from './store.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { ExpError } from '../errors.ts';

export interface Figure {
  /** File name under plots/, e.g. roc_rejection.svg */
  file: string;
  title: string;
  svg: string;
}

export interface ReportInput {
  record: RunRecord;
  specText: string | null;
  evaluations: Record<string, Evaluation>;
  metrics: Record<string, Record<string, number>[]>;
  models: string[];
}

export function renderRunFigures(input: ReportInput): Figure[] {
  const figs: Figure[] = [];
  const evald = input.models.filter((m) => input.evaluations[m]);
  if (evald.length) {
    const series = evald.map((m) => ({ label: m, fpr: input.evaluations[m]!.roc.fpr, tpr: input.evaluations[m]!.roc.tpr, auc: input.evaluations[m]!.auc }));
    figs.push({ file: 'roc_rejection.svg', title: 'Background rejection vs signal efficiency', svg: rocRejectionSvg(series) });
    figs.push({ file: 'roc.svg', title: 'ROC curve', svg: rocSvg(series) });
  }
  const withEpochs = input.models.filter((m) => (input.metrics[m] ?? []).length > 0);
  if (withEpochs.length) {
    figs.push({
      file: 'loss.svg',
      title: 'Loss per epoch',
      svg: lossSvg(withEpochs.map((m) => ({ model: m, epochs: input.metrics[m]! as { epoch: number; loss?: number; val_loss?: number }[] }))),
    });
  }
  for (const m of evald) {
    const ev = input.evaluations[m]!;
    const ks = ev.overtraining ? { signal: ev.overtraining.signal.p_value, background: ev.overtraining.background.p_value } : undefined;
    figs.push({ file: `scores_${m}.svg`, title: `Score distributions: ${m}`, svg: scoreDistributionSvg(m, ev.histograms, ks) });
  }
  return figs;
}

const num = (v: number | null | undefined, digits = 4) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—');

const pval = (p: number) => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));

function metricsTable(input: ReportInput): string {
  const wps = new Set<number>();
  for (const m of input.models) for (const wp of input.evaluations[m]?.working_points ?? []) wps.add(wp.background_efficiency);
  const wpList = [...wps].sort((a, b) => b - a);
  const head = ['model', 'test AUC', '± SE', 'test loss', 'accuracy', ...wpList.map((e) => `ε<sub>s</sub> at ε<sub>b</sub>=${e}`), 'KS p (sig / bkg)', 'Asimov Z', 'epochs', 'final val loss'];
  const rows = input.models.map((m) => {
    const ev = input.evaluations[m];
    const ep = input.metrics[m] ?? [];
    const last = ep.at(-1);
    const cells = [
      esc(m),
      num(ev?.auc),
      num(ev?.auc_se),
      num(ev?.loss),
      num(ev?.accuracy),
      ...wpList.map((e) => {
        const wp = ev?.working_points.find((w) => w.background_efficiency === e);
        return wp ? `${num(wp.signal_efficiency)}${wp.note ? ` <span class="note" title="${esc(wp.note)}">*</span>` : ''}` : '—';
      }),
      ev?.overtraining ? `${pval(ev.overtraining.signal.p_value)} / ${pval(ev.overtraining.background.p_value)}` : '—',
      ev?.significance && 'z' in ev.significance ? num(ev.significance.z, 2) : '—',
      String(ep.length),
      num(last?.val_loss),
    ];
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  const notes = input.models.flatMap((m) => (input.evaluations[m]?.working_points ?? []).filter((w) => w.note).map((w) => `${esc(m)}, ε<sub>b</sub>=${w.background_efficiency}: ${esc(w.note!)}`));
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>${notes.length ? `<p class="note">* ${notes.join('<br>* ')}</p>` : ''}`;
}

/** An SVG inlined into HTML needs no namespace declaration (the HTML parser supplies it). */
function inlineSvg(svg: string): string {
  return svg.replace(' xmlns="http://www.w3.org/2000/svg"', '');
}

const STYLE = `body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:24px;color:#222}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}.meta td{text-align:left}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:12px}.figs figure{margin:0}.figs svg{width:100%;max-width:640px;height:auto}pre{background:#f7f7f7;padding:10px;overflow:auto;font-size:12px}
.status-finished{color:#2a7d2a}.status-failed,.status-dead{color:#b22222}.status-interrupted,.status-running{color:#b8860b}.note{color:#666;font-size:12px}`;

export function renderReportHtml(input: ReportInput, figures: Figure[], status: string = input.record.status): string {
  const r = input.record;
  const meta: [string, string][] = [
    ['id', r.id],
    ['status', `<span class="status-${esc(status)}">${esc(status)}</span>${r.error?.message ? ` — ${esc(String(r.error.message))}` : ''}`],
    ['started', r.started_at ?? ''],
    ['ended', r.ended_at ?? ''],
    ['git', r.git ? `${r.git.commit}${r.git.dirty ? ' (dirty)' : ''}` : 'not a git repository'],
    ['host', r.host ?? ''],
    ['node / tfjs', `${r.node ?? ''} / ${r.tfjs ?? ''}`],
    ['backend', r.backend ? `${r.backend.name}${r.backend.device ? ` (${r.backend.device})` : ''}` : ''],
    ['seed', String(r.seed ?? '')],
    ['data', JSON.stringify(r.data?.fingerprint ?? null)],
    ['command', (r.command ?? []).join(' ')],
  ];
  const metaRows = meta.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${k === 'status' ? v : esc(v)}</td></tr>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(`exp run ${r.id}`)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>${STYLE}</style></head>
<body>
<h1>${esc(r.name ?? r.id)}</h1>
<table class="meta">${metaRows}</table>
<h2>Metrics (test set)</h2>
${input.models.length ? metricsTable(input) : '<p>No models evaluated.</p>'}
<h2>Plots</h2>
<div class="figs">${figures.map((fg) => `<figure id="${esc(fg.file)}">${inlineSvg(fg.svg)}</figure>`).join('\n')}</div>
<h2>Spec</h2>
<pre>${esc(input.specText ?? '(spec.yaml missing)')}</pre>
</body></html>
`;
}

export function reportInputFor(run: RunInfo): ReportInput {
  const models = modelNames(run);
  const metrics: Record<string, Record<string, number>[]> = {};
  for (const m of models) metrics[m] = readMetrics(run, m);
  return { record: run.record, specText: readSpecText(run), evaluations: readEvaluations(run), metrics, models };
}

/** Writes plots/*.svg and report.html into the run directory; returns the files written. */
export function writeRunReport(runDir: string): string[] {
  const run = readRun(runDir);
  if (!run) throw new ExpError('run', `${runDir} has no readable run.json`);
  const input = reportInputFor(run);
  const figures = renderRunFigures(input);
  const files: string[] = [];
  for (const fg of figures) {
    const p = join(run.dir, 'plots', fg.file);
    writeFileAtomic(p, fg.svg);
    files.push(p);
  }
  const html = join(run.dir, 'report.html');
  writeFileAtomic(html, renderReportHtml(input, figures, run.status));
  files.push(html);
  return files;
}
