// Kolmogorov-Smirnov overtraining check: for each class, compare the classifier's score
// distribution on the training events with that on the test events. ROOT TMVA reports the
// probability from TMath::KolmogorovProb(z), z = D * sqrt(n1 n2 / (n1 + n2)). TMVA fills
// histograms first (TH1::KolmogorovTest); we compute D from the unbinned empirical CDFs (exact,
// no binning artefacts) and use the same Kolmogorov distribution for the p-value.
import { ExpError } from '../errors.ts';

/**
 * TMath::KolmogorovProb, ported: P(K > z) for the Kolmogorov distribution,
 * 2 * sum_{k>=1} (-1)^(k-1) exp(-2 k^2 z^2), with ROOT's small-z branch.
 */
export function kolmogorovProb(z: number): number {
  const fj = [-2, -8, -18, -32];
  const w = 2.50662827;
  const c1 = -1.2337005501361697; // -pi^2/8
  const c2 = -11.103304951225528; // 9 c1
  const c3 = -30.842513753404244; // 25 c1
  const u = Math.abs(z);
  if (u < 0.2) return 1;
  if (u < 0.755) {
    const v = 1 / (u * u);
    return 1 - (w * (Math.exp(c1 * v) + Math.exp(c2 * v) + Math.exp(c3 * v))) / u;
  }
  if (u < 6.8116) {
    const r = [0, 0, 0, 0];
    const v = u * u;
    const maxj = Math.max(1, Math.round(3 / u));
    for (let j = 0; j < maxj; j++) r[j] = Math.exp(fj[j]! * v);
    return 2 * (r[0]! - r[1]! + r[2]! - r[3]!);
  }
  return 0;
}

/** Maximum distance between the empirical CDFs of two ascending samples. */
export function ksStatisticSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < na && j < nb) {
    const v = Math.min(a[i]!, b[j]!);
    while (i < na && a[i] === v) i++;
    while (j < nb && b[j] === v) j++;
    const diff = Math.abs(i / na - j / nb);
    if (diff > d) d = diff;
  }
  return d;
}

export interface KsResult {
  statistic: number;
  p_value: number;
  n_train: number;
  n_test: number;
}

export function ksTestSorted(train: ArrayLike<number>, test: ArrayLike<number>): KsResult {
  const n1 = train.length;
  const n2 = test.length;
  if (n1 === 0 || n2 === 0) throw new ExpError('data', `the KS test needs events in both samples; got ${n1} training and ${n2} test events`);
  const d = ksStatisticSorted(train, test);
  return { statistic: d, p_value: kolmogorovProb(d * Math.sqrt((n1 * n2) / (n1 + n2))), n_train: n1, n_test: n2 };
}
