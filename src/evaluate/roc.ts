// The ROC curve from class-sorted scores, and thinning it for storage and plots.
import { ExpError } from '../errors.ts';
import type { ClassSorted } from './sorted.ts';

/**
 * ROC corners, as scikit-learn's roc_curve(drop_intermediate=True) but dropping exactly the
 * collinear points (which changes neither the curve nor its area). Index 0 is (0, 0) with
 * threshold +Infinity; thresholds descend; an event passes a threshold t when score >= t.
 */
export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  thresholds: Float64Array;
  /** Background / signal events passing each threshold (fpr * nNeg, tpr * nPos). */
  fp: Float64Array;
  tp: Float64Array;
  nPos: number;
  nNeg: number;
}

export function rocCurve({ pos, neg }: ClassSorted): RocCurve {
  const m = pos.length;
  const n = neg.length;
  if (m === 0 || n === 0) throw new ExpError('data', `a ROC curve needs both classes; got ${m} signal and ${n} background events`);
  const cap = m + n + 1;
  const fp = new Float64Array(cap);
  const tp = new Float64Array(cap);
  const thr = new Float64Array(cap);
  fp[0] = 0;
  tp[0] = 0;
  thr[0] = Infinity;
  let k = 1;
  let i = m - 1;
  let j = n - 1;
  let cTp = 0;
  let cFp = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? neg[j]! : j < 0 ? pos[i]! : Math.max(pos[i]!, neg[j]!);
    while (i >= 0 && pos[i] === v) { cTp++; i--; }
    while (j >= 0 && neg[j] === v) { cFp++; j--; }
    // Drop the previous point when it lies on the segment from its predecessor to this one.
    if (k >= 2) {
      const dx1 = fp[k - 1]! - fp[k - 2]!;
      const dy1 = tp[k - 1]! - tp[k - 2]!;
      const dx2 = cFp - fp[k - 1]!;
      const dy2 = cTp - tp[k - 1]!;
      if (dx1 * dy2 - dy1 * dx2 === 0) k--;
    }
    fp[k] = cFp;
    tp[k] = cTp;
    thr[k] = v;
    k++;
  }
  const fpr = new Float64Array(k);
  const tpr = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    fpr[t] = fp[t]! / n;
    tpr[t] = tp[t]! / m;
  }
  return { fpr, tpr, thresholds: thr.slice(0, k), fp: fp.slice(0, k), tp: tp.slice(0, k), nPos: m, nNeg: n };
}

/** JSON-friendly ROC: plain arrays; the +Infinity threshold of the first point becomes null. */
export interface RocPoints {
  fpr: number[];
  tpr: number[];
  thresholds: (number | null)[];
}

/**
 * At most maxPoints points of the curve, a subset of its corners (so fpr and tpr stay
 * non-decreasing and both endpoints are kept). Half the budget is spread evenly along the
 * curve's length in linear (fpr, tpr), the other half evenly in log10(fpr): the paper's
 * figures plot background rejection 1/fpr on a log axis, where the low-fpr corner matters.
 */
export function thinRoc(curve: Pick<RocCurve, 'fpr' | 'tpr' | 'thresholds'>, maxPoints = 1000): RocPoints {
  const { fpr, tpr, thresholds } = curve;
  const k = fpr.length;
  if (maxPoints < 2) throw new ExpError('usage', `ROC thinning needs at least 2 points, got ${maxPoints}`);
  const keep = new Uint8Array(k);
  if (k <= maxPoints) keep.fill(1);
  else {
    keep[0] = 1;
    keep[k - 1] = 1;
    const budget = maxPoints - 2;
    const nLen = Math.ceil(budget / 2);
    const nLog = budget - nLen;
    // arc length
    const cum = new Float64Array(k);
    for (let t = 1; t < k; t++) cum[t] = cum[t - 1]! + Math.hypot(fpr[t]! - fpr[t - 1]!, tpr[t]! - tpr[t - 1]!);
    const total = cum[k - 1]!;
    let p = 0;
    for (let s = 1; s <= nLen; s++) {
      const target = (total * s) / (nLen + 1);
      while (p < k - 1 && cum[p]! < target) p++;
      keep[p] = 1;
    }
    // log10(fpr) from the smallest non-zero fpr to 1
    let first = 0;
    while (first < k && fpr[first] === 0) first++;
    if (first < k && nLog > 0) {
      const lo = Math.log10(fpr[first]!);
      let q = first;
      for (let s = 0; s < nLog; s++) {
        const target = Math.pow(10, lo + (-lo * s) / Math.max(1, nLog - 1));
        while (q < k - 1 && fpr[q]! < target) q++;
        keep[q] = 1;
      }
      // the last zero-fpr corner: where the curve leaves the tpr axis
      if (first > 0) keep[first - 1] = 1;
    }
  }
  // The union of the two selections may exceed the budget by a few shared-index misses;
  // drop surplus interior points evenly (never the endpoints).
  const idx: number[] = [];
  for (let t = 0; t < k; t++) if (keep[t]) idx.push(t);
  let chosen = idx;
  if (idx.length > maxPoints) {
    const inner = idx.slice(1, -1);
    const want = maxPoints - 2;
    chosen = [idx[0]!];
    for (let s = 0; s < want; s++) chosen.push(inner[Math.floor((s * inner.length) / want)]!);
    chosen.push(idx[idx.length - 1]!);
  }
  return {
    fpr: chosen.map((t) => fpr[t]!),
    tpr: chosen.map((t) => tpr[t]!),
    thresholds: chosen.map((t) => (Number.isFinite(thresholds[t]!) ? thresholds[t]! : null)),
  };
}
