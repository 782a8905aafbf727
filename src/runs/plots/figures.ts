// The run's figures: ROC (rejection vs efficiency, as in Baldi et al. 2014, and ordinary),
// loss per epoch, and score distributions per model. Pure: data in, SVG text out.
import type { ScoreHistograms } from '../../evaluate/histogram.ts';
import { PALETTE, startPlot, polyline, legend, clipped, finishPlot, f, type Plot } from './svg.ts';

export interface RocSeries {
  label: string;
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
  auc?: number;
}

function withAuc(s: RocSeries): string {
  return s.auc === undefined ? s.label : `${s.label} (AUC ${s.auc.toFixed(4)})`;
}

/** Background rejection 1/eps_b (log) against signal efficiency eps_s, all models on one figure. */
export function rocRejectionSvg(series: RocSeries[], title = 'Background rejection vs signal efficiency'): string {
  let maxRej = 10;
  for (const s of series) {
    for (let i = 0; i < s.fpr.length; i++) if (s.fpr[i]! > 0) maxRej = Math.max(maxRej, 1 / s.fpr[i]!);
  }
  const top = Math.pow(10, Math.ceil(Math.log10(maxRej)));
  const p = startPlot(title, { min: 0, max: 1, label: 'Signal efficiency' }, { min: 1, max: top, log: true, label: 'Background rejection (1 / background efficiency)' });
  const inner: Plot = { ...p, parts: [] };
  series.forEach((s, k) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < s.fpr.length; i++) {
      if (s.fpr[i]! > 0) {
        xs.push(s.tpr[i]!);
        ys.push(1 / s.fpr[i]!);
      }
    }
    polyline(inner, xs, ys, PALETTE[k % PALETTE.length]!);
  });
  p.parts.push(clipped(p, 'clip-rej', inner.parts));
  legend(p, series.map((s, k) => ({ label: withAuc(s), color: PALETTE[k % PALETTE.length]! })), 'tr');
  return finishPlot(p, title);
}

/** Signal efficiency (true positive rate) against background efficiency (false positive rate). */
export function rocSvg(series: RocSeries[], title = 'ROC curve'): string {
  const p = startPlot(title, { min: 0, max: 1, label: 'Background efficiency (false positive rate)' }, { min: 0, max: 1, label: 'Signal efficiency (true positive rate)' });
  polyline(p, [0, 1], [0, 1], '#999999', { dash: '4 4', width: 1 });
  series.forEach((s, k) => polyline(p, s.fpr, s.tpr, PALETTE[k % PALETTE.length]!));
  legend(p, series.map((s, k) => ({ label: withAuc(s), color: PALETTE[k % PALETTE.length]! })), 'br');
  return finishPlot(p, title);
}

export interface LossSeries {
  model: string;
  epochs: { epoch: number; loss?: number; val_loss?: number }[];
}

/** Training (solid) and validation (dashed) loss per epoch, one colour per model. */
export function lossSvg(series: LossSeries[], title = 'Loss per epoch'): string {
  let maxE = 1;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (const e of s.epochs) {
      maxE = Math.max(maxE, e.epoch);
      for (const v of [e.loss, e.val_loss]) {
        if (typeof v === 'number' && Number.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 0.05;
  // room above the curves for the legend (one line per curve)
  const legendRoom = (hi - lo || pad * 4) * Math.min(0.8, 0.12 * 2 * series.length);
  const p = startPlot(title, { min: maxE > 1 ? 1 : 0, max: maxE, integer: true, label: 'Epoch' }, { min: lo - pad, max: hi + pad + legendRoom, label: 'Binary cross-entropy' });
  const entries: { label: string; color: string; dash?: string }[] = [];
  series.forEach((s, k) => {
    const c = PALETTE[k % PALETTE.length]!;
    const tr = s.epochs.filter((e) => typeof e.loss === 'number');
    const va = s.epochs.filter((e) => typeof e.val_loss === 'number');
    polyline(p, tr.map((e) => e.epoch), tr.map((e) => e.loss!), c);
    polyline(p, va.map((e) => e.epoch), va.map((e) => e.val_loss!), c, { dash: '6 4' });
    for (const e of tr) p.parts.push(`<circle cx="${f(p.x(e.epoch))}" cy="${f(p.y(e.loss!))}" r="2.5" fill="${c}"/>`);
    if (tr.length) entries.push({ label: `${s.model} training`, color: c });
    if (va.length) entries.push({ label: `${s.model} validation`, color: c, dash: '6 4' });
  });
  if (entries.length) legend(p, entries, 'tr');
  return finishPlot(p, title);
}

function density(counts: number[], edges: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c, i) => (total > 0 ? c / total / (edges[i + 1]! - edges[i]!) : 0));
}

/**
 * Normalised score distributions of one model: test as filled step histograms, training as
 * points (the TMVA overtraining-check layout), signal blue and background red.
 */
export function scoreDistributionSvg(model: string, h: ScoreHistograms, ks?: { signal: number; background: number }): string {
  const title = `Score distributions: ${model}`;
  const sets: { d: number[]; color: string; kind: 'fill' | 'points'; label: string }[] = [
    { d: density(h.test.signal, h.edges), color: '#1f77b4', kind: 'fill', label: 'signal (test)' },
    { d: density(h.test.background, h.edges), color: '#d62728', kind: 'fill', label: 'background (test)' },
  ];
  if (h.train) {
    sets.push({ d: density(h.train.signal, h.edges), color: '#1f77b4', kind: 'points', label: 'signal (train)' });
    sets.push({ d: density(h.train.background, h.edges), color: '#d62728', kind: 'points', label: 'background (train)' });
  }
  // headroom above the tallest bin for the legend and the KS line
  const ymax = Math.max(1e-9, ...sets.flatMap((s) => s.d)) * 1.5;
  const p = startPlot(title, { min: h.edges[0]!, max: h.edges.at(-1)!, label: 'Classifier output' }, { min: 0, max: ymax, label: 'Normalised density' });
  for (const s of sets) {
    if (s.kind === 'fill') {
      const pts: string[] = [`${f(p.x(h.edges[0]!))},${f(p.y(0))}`];
      s.d.forEach((v, i) => pts.push(`${f(p.x(h.edges[i]!))},${f(p.y(v))}`, `${f(p.x(h.edges[i + 1]!))},${f(p.y(v))}`));
      pts.push(`${f(p.x(h.edges.at(-1)!))},${f(p.y(0))}`);
      p.parts.push(`<polygon points="${pts.join(' ')}" fill="${s.color}" fill-opacity="0.25" stroke="${s.color}" stroke-width="1.5"/>`);
    } else {
      s.d.forEach((v, i) => p.parts.push(`<circle cx="${f(p.x((h.edges[i]! + h.edges[i + 1]!) / 2))}" cy="${f(p.y(v))}" r="2.5" fill="${s.color}"/>`));
    }
  }
  legend(p, sets.map((s) => ({ label: s.label, color: s.color, fill: s.kind === 'fill', marker: s.kind === 'points' })), 'tl');
  if (ks) {
    const { width, right, top } = p.frame;
    p.parts.push(`<text x="${width - right - 8}" y="${top + 18}" text-anchor="end" font-size="11">KS p (train vs test): signal ${ks.signal.toPrecision(3)}, background ${ks.background.toPrecision(3)}</text>`);
  }
  return finishPlot(p, title);
}
