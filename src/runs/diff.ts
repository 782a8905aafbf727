// What changed between two runs and whether it mattered: spec keys as dotted paths, every
// metric side by side with its delta, and for the AUC the standard error of the difference
// (paired DeLong when both runs scored the same test events, else independent SEs combined).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { flattenSpec } from '../spec/paths.ts';
import { pairedDelong } from '../evaluate/delong.ts';
import { twoSidedP } from '../evaluate/normal.ts';
import type { Evaluation } from '../evaluate/evaluate.ts';
import { readPredictionsFile } from './predictions.ts';
import { readEvaluations, readMetrics, readResolvedSpec, modelNames, type RunInfo } from './store.ts';

export interface SpecChange {
  key: string;
  a: unknown;
  b: unknown;
}

/** Keys whose values differ (absent on one side shows as undefined -> null in JSON). */
export function diffSpecs(a: unknown, b: unknown): SpecChange[] {
  const fa = flattenSpec(a ?? {});
  const fb = flattenSpec(b ?? {});
  const keys = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort();
  const out: SpecChange[] = [];
  for (const k of keys) {
    const va = fa[k];
    const vb = fb[k];
    if (JSON.stringify(va) !== JSON.stringify(vb)) out.push({ key: k, a: va === undefined ? null : va, b: vb === undefined ? null : vb });
  }
  return out;
}

/** The scalar metrics of one model, flat, as shown by diff and compare. */
export function modelMetrics(ev: Evaluation | undefined, epochs: Record<string, number>[]): Record<string, number | null> {
  const m: Record<string, number | null> = {};
  if (ev) {
    m['test.auc'] = ev.auc;
    m['test.auc_se'] = ev.auc_se;
    m['test.loss'] = ev.loss;
    m['test.accuracy'] = ev.accuracy;
    for (const wp of ev.working_points ?? []) m[`test.sig_eff@bkg_eff=${wp.background_efficiency}`] = wp.signal_efficiency;
    if (ev.train) {
      m['train.auc'] = ev.train.auc;
      m['train.loss'] = ev.train.loss;
    }
    if (ev.overtraining) {
      m['ks.p_signal'] = ev.overtraining.signal.p_value;
      m['ks.p_background'] = ev.overtraining.background.p_value;
    }
    if (ev.significance && 'z' in ev.significance) m['asimov.z'] = ev.significance.z;
  }
  const last = epochs.at(-1);
  if (last) {
    m['epochs'] = epochs.length;
    for (const k of ['loss', 'val_loss', 'val_accuracy', 'val_auc']) if (typeof last[k] === 'number') m[`final.${k}`] = last[k];
    const secs = epochs.reduce((s, e) => s + (typeof e.seconds === 'number' ? e.seconds : 0), 0);
    if (secs > 0) m['train.seconds'] = secs;
  }
  return m;
}

export interface MetricDelta {
  model: string;
  metric: string;
  a: number | null;
  b: number | null;
  delta: number | null;
}

export interface AucComparison {
  model: string;
  a: number;
  b: number;
  /** b - a */
  delta: number;
  se: number | null;
  z: number | null;
  p_value: number | null;
  method: 'paired-delong' | 'independent' | 'unavailable';
  /** Why the paired test was or was not used. */
  note: string;
  /** p < 0.05: the difference exceeds the statistical noise of the test set. */
  significant: boolean | null;
}

export interface RunDiff {
  a: { id: string; dir: string };
  b: { id: string; dir: string };
  spec: SpecChange[];
  metrics: MetricDelta[];
  auc: AucComparison[];
}

function predictionsPath(run: RunInfo, model: string) {
  return join(run.dir, 'models', model, 'predictions.bin');
}

export function compareAuc(ra: RunInfo, rb: RunInfo, model: string, ea: Evaluation, eb: Evaluation): AucComparison {
  const base = { model, a: ea.auc, b: eb.auc, delta: eb.auc - ea.auc };
  const pa = predictionsPath(ra, model);
  const pb = predictionsPath(rb, model);
  let note = 'predictions missing in one run';
  if (existsSync(pa) && existsSync(pb)) {
    const A = readPredictionsFile(pa);
    const B = readPredictionsFile(pb);
    const fa = A.header.test_fingerprint;
    const fb = B.header.test_fingerprint;
    if (!fa || !fb) note = 'no test-set fingerprint stored with the predictions';
    else if (fa !== fb) note = 'the runs scored different test events';
    else if (A.header.labels_sha256 !== B.header.labels_sha256 || A.header.count !== B.header.count) note = 'same test fingerprint but different labels';
    else {
      const r = pairedDelong(B.scores, A.scores, A.labels);
      return { ...base, se: r.se, z: r.z, p_value: r.pValue, method: 'paired-delong', note: `same ${A.header.count} test events (correlation ${r.correlation.toFixed(3)})`, significant: r.pValue < 0.05 };
    }
  }
  if (typeof ea.auc_se === 'number' && typeof eb.auc_se === 'number') {
    const se = Math.hypot(ea.auc_se, eb.auc_se);
    const z = se > 0 ? base.delta / se : 0;
    const p = twoSidedP(z);
    return { ...base, se, z, p_value: p, method: 'independent', note: `${note}: independent DeLong SEs combined`, significant: p < 0.05 };
  }
  return { ...base, se: null, z: null, p_value: null, method: 'unavailable', note: `${note}, and no AUC standard errors`, significant: null };
}

export function diffRuns(ra: RunInfo, rb: RunInfo): RunDiff {
  const ea = readEvaluations(ra);
  const eb = readEvaluations(rb);
  const models = [...new Set([...modelNames(ra), ...modelNames(rb)])];
  const metrics: MetricDelta[] = [];
  const auc: AucComparison[] = [];
  for (const model of models) {
    const ma = modelMetrics(ea[model], readMetrics(ra, model));
    const mb = modelMetrics(eb[model], readMetrics(rb, model));
    for (const k of [...new Set([...Object.keys(ma), ...Object.keys(mb)])]) {
      const a = ma[k] ?? null;
      const b = mb[k] ?? null;
      metrics.push({ model, metric: k, a, b, delta: a !== null && b !== null ? b - a : null });
    }
    if (ea[model] && eb[model]) auc.push(compareAuc(ra, rb, model, ea[model], eb[model]));
  }
  return {
    a: { id: ra.id, dir: ra.dir },
    b: { id: rb.id, dir: rb.dir },
    spec: diffSpecs(readResolvedSpec(ra), readResolvedSpec(rb)),
    metrics,
    auc,
  };
}
