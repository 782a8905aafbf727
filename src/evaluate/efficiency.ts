// Signal efficiency at fixed background efficiencies (working points), read off the ROC by
// linear interpolation between corners (which is what randomly mixing the two neighbouring
// cuts achieves, so it is the exact achievable efficiency, not an approximation of a smooth curve).
import type { RocCurve } from './roc.ts';

export interface WorkingPoint {
  background_efficiency: number;
  /** null when the test set has too few background events to reach this efficiency. */
  signal_efficiency: number | null;
  /** Expected number of test background events passing: background_efficiency x background events. */
  background_events: number;
  note?: string;
}

/** Fewer passing background events than this and the working point is flagged as noisy. */
export const MIN_BACKGROUND_EVENTS = 10;

export function signalEfficiencyAt(curve: RocCurve, bkgEff: number): WorkingPoint {
  const { fpr, tpr, nNeg } = curve;
  const events = bkgEff * nNeg;
  const wp: WorkingPoint = { background_efficiency: bkgEff, signal_efficiency: null, background_events: events };
  if (events < 1) {
    wp.note = `too few background events: ${nNeg} in the test set cannot resolve a background efficiency of ${bkgEff} (needs at least ${Math.ceil(1 / bkgEff)})`;
    return wp;
  }
  // first corner with fpr >= bkgEff
  let lo = 0;
  let hi = fpr.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fpr[mid]! < bkgEff) lo = mid + 1;
    else hi = mid;
  }
  let eff: number;
  if (fpr[lo] === bkgEff) {
    // a vertical run of corners at exactly this fpr: the best cut reaches its top
    let t = lo;
    while (t + 1 < fpr.length && fpr[t + 1] === bkgEff) t++;
    eff = tpr[t]!;
  } else {
    const x0 = fpr[lo - 1]!;
    const x1 = fpr[lo]!;
    eff = tpr[lo - 1]! + ((tpr[lo]! - tpr[lo - 1]!) * (bkgEff - x0)) / (x1 - x0);
  }
  wp.signal_efficiency = eff;
  if (events < MIN_BACKGROUND_EVENTS) {
    wp.note = `only about ${Math.round(events)} background events pass: large statistical uncertainty`;
  }
  return wp;
}
