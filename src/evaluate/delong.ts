// DeLong standard errors of the ROC AUC and the paired DeLong test, in O(n log n).
//
// DeLong, DeLong & Clarke-Pearson (1988) write the AUC's variance through the structural
// components V10(X_i) = P(Y < X_i) + P(Y = X_i)/2 over background Y for each signal X_i, and
// V01(Y_j) = P(X > Y_j) + P(X = Y_j)/2 for each background Y_j. Sun & Xu (2014) get them from
// midranks; here the same numbers come from binary searches into each class's sorted scores
// (midrank in the pooled sample minus midrank in the own class = #other-class below + ties/2),
// which needs no index sort, so it stays cheap at 10M events.
import { ExpError } from '../errors.ts';
import { splitSorted, lowerBound, upperBound, type ClassSorted } from './sorted.ts';
import { twoSidedP } from './normal.ts';

export interface AucWithSe {
  auc: number;
  se: number;
}

/** AUC and its DeLong standard error from class-sorted scores. */
export function delongFromSorted({ pos, neg }: ClassSorted): AucWithSe {
  const m = pos.length;
  const n = neg.length;
  if (m < 2 || n < 2) throw new ExpError('data', `the DeLong standard error needs at least 2 events of each class; got ${m} signal and ${n} background`);
  // Linear merges: pos and neg are both ascending.
  let s1 = 0;
  let s2 = 0;
  let j = 0;
  let t = 0;
  for (let i = 0; i < m; i++) {
    const v = pos[i]!;
    while (j < n && neg[j]! < v) j++;
    if (t < j) t = j;
    while (t < n && neg[t]! <= v) t++;
    const v10 = (j + (t - j) / 2) / n;
    s1 += v10;
    s2 += v10 * v10;
  }
  const auc = s1 / m;
  const var10 = (s2 - m * auc * auc) / (m - 1);
  let r1 = 0;
  let r2 = 0;
  let a = 0;
  let b = 0;
  for (let q = 0; q < n; q++) {
    const v = neg[q]!;
    while (a < m && pos[a]! < v) a++;
    if (b < a) b = a;
    while (b < m && pos[b]! <= v) b++;
    const v01 = (m - b + (b - a) / 2) / m;
    r1 += v01;
    r2 += v01 * v01;
  }
  const mean01 = r1 / n;
  const var01 = (r2 - n * mean01 * mean01) / (n - 1);
  return { auc, se: Math.sqrt(Math.max(0, var10 / m + var01 / n)) };
}

export function delongSe(scores: ArrayLike<number>, labels: ArrayLike<number>): AucWithSe {
  return delongFromSorted(splitSorted(scores, labels));
}

/** Per-event structural components of one model, in event order within each class. */
function components(scores: ArrayLike<number>, labels: ArrayLike<number>, sorted: ClassSorted, m: number, n: number) {
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  let p = 0;
  let q = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (labels[i] === 1) {
      const lo = lowerBound(sorted.neg, s);
      v10[p++] = (lo + (upperBound(sorted.neg, s) - lo) / 2) / n;
    } else {
      const lo = lowerBound(sorted.pos, s);
      v01[q++] = (m - upperBound(sorted.pos, s) + (upperBound(sorted.pos, s) - lo) / 2) / m;
    }
  }
  return { v10, v01 };
}

function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}

function cov(a: Float64Array, b: Float64Array, ma: number, mb: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / (a.length - 1);
}

export interface PairedDelong {
  aucA: number;
  aucB: number;
  /** aucA - aucB */
  diff: number;
  /** Standard error of the difference, with the correlation between the two models. */
  se: number;
  seA: number;
  seB: number;
  /** Pearson correlation of the two AUC estimates. */
  correlation: number;
  z: number;
  pValue: number;
}

/**
 * The paired DeLong test: two models scored on the same events (same labels, same order).
 * z = (AUC_A - AUC_B) / SE of the difference from the 2x2 covariance of the components.
 */
export function pairedDelong(scoresA: ArrayLike<number>, scoresB: ArrayLike<number>, labels: ArrayLike<number>): PairedDelong {
  if (scoresA.length !== scoresB.length) {
    throw new ExpError('data', `the paired DeLong test needs both models scored on the same events; got ${scoresA.length} and ${scoresB.length} scores`);
  }
  const sa = splitSorted(scoresA, labels);
  const sb = splitSorted(scoresB, labels);
  const m = sa.pos.length;
  const n = sa.neg.length;
  if (m < 2 || n < 2) throw new ExpError('data', `the DeLong test needs at least 2 events of each class; got ${m} signal and ${n} background`);
  const A = components(scoresA, labels, sa, m, n);
  const B = components(scoresB, labels, sb, m, n);
  const a10 = mean(A.v10);
  const b10 = mean(B.v10);
  const a01 = mean(A.v01);
  const b01 = mean(B.v01);
  const varA = cov(A.v10, A.v10, a10, a10) / m + cov(A.v01, A.v01, a01, a01) / n;
  const varB = cov(B.v10, B.v10, b10, b10) / m + cov(B.v01, B.v01, b01, b01) / n;
  const covAB = cov(A.v10, B.v10, a10, b10) / m + cov(A.v01, B.v01, a01, b01) / n;
  const varDiff = Math.max(0, varA + varB - 2 * covAB);
  const se = Math.sqrt(varDiff);
  const diff = a10 - b10;
  const z = se > 0 ? diff / se : diff === 0 ? 0 : Math.sign(diff) * Infinity;
  return {
    aucA: a10,
    aucB: b10,
    diff,
    se,
    seA: Math.sqrt(varA),
    seB: Math.sqrt(varB),
    correlation: varA > 0 && varB > 0 ? covAB / Math.sqrt(varA * varB) : NaN,
    z,
    pValue: se > 0 ? twoSidedP(z) : diff === 0 ? 1 : 0,
  };
}
