// DeLong standard errors of the ROC AUC and the paired DeLong test, in O(n log n).
//
// DeLong, DeLong & Clarke-Pearson (1988) write the AUC's variance through the structural
// components V10(X_i) = P(Y < X_i) + P(Y = X_i)/2 over background Y for each signal X_i, and
// V01(Y_j) = P(X > Y_j) + P(X = Y_j)/2 for each background Y_j. Sun & Xu (2014) get them from
// midranks; here the same numbers come from binary searches into each class's sorted scores
// (midrank in the pooled sample minus midrank in the own class = #other-class below + ties/2),
// which needs no index sort, so it stays cheap at 10M events.
import { ExpError } from '../errors.ts';
import { splitSorted, type ClassSorted } from './sorted.ts';
import { argsort } from './argsort.ts';
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

/**
 * Per-event structural components of one model, each class in event order (so two models'
 * arrays line up event by event): one argsort, then a linear walk over groups of tied scores.
 */
function components(scores: ArrayLike<number>, labels: ArrayLike<number>, classPos: Uint32Array, m: number, n: number) {
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  const { order, sorted } = argsort(scores);
  const N = order.length;
  let negBelow = 0;
  let posBelow = 0;
  let g = 0;
  while (g < N) {
    const v = sorted[g]!;
    let h = g;
    let pg = 0;
    let ng = 0;
    while (h < N && sorted[h] === v) {
      if (labels[order[h]!] === 1) pg++;
      else ng++;
      h++;
    }
    const a10 = (negBelow + ng / 2) / n;
    const a01 = (m - posBelow - pg / 2) / m;
    for (let k = g; k < h; k++) {
      const e = order[k]!;
      if (labels[e] === 1) v10[classPos[e]!] = a10;
      else v01[classPos[e]!] = a01;
    }
    negBelow += ng;
    posBelow += pg;
    g = h;
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
  const N = scoresA.length;
  if (labels.length !== N) throw new ExpError('data', `scores and labels differ in length (${N} scores, ${labels.length} labels)`);
  // Position of each event within its class, in event order; validates labels and scores.
  const classPos = new Uint32Array(N);
  let m = 0;
  let n = 0;
  for (let i = 0; i < N; i++) {
    const y = labels[i];
    if (y === 1) classPos[i] = m++;
    else if (y === 0) classPos[i] = n++;
    else throw new ExpError('data', `label at index ${i} is ${y}; labels must be 0 (background) or 1 (signal)`);
    if (Number.isNaN(scoresA[i]!) || Number.isNaN(scoresB[i]!)) throw new ExpError('data', `score at index ${i} is NaN`);
  }
  if (m < 2 || n < 2) throw new ExpError('data', `the DeLong test needs at least 2 events of each class; got ${m} signal and ${n} background`);
  const A = components(scoresA, labels, classPos, m, n);
  const B = components(scoresB, labels, classPos, m, n);
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
