// Bootstrap standard error of the AUC: resample each class with replacement (stratified, as
// pROC does, so every replicate has both classes), seeded for reproducibility. Each replicate
// draws indices into the already-sorted class arrays and sorts the indices (native Uint32
// sort), which yields the resampled scores sorted without any comparator.
import { ExpError } from '../errors.ts';
import { Rng } from '../util/rng.ts';
import { aucFromSorted } from './auc.ts';
import type { ClassSorted } from './sorted.ts';

export interface BootstrapResult {
  se: number;
  /** 2.5% and 97.5% percentiles of the replicate AUCs. */
  ci95: [number, number];
  replicates: number;
  seed: number;
}

function resample(sorted: Float32Array | Float64Array, rng: Rng, idx: Uint32Array, out: Float32Array | Float64Array) {
  const len = sorted.length;
  for (let i = 0; i < len; i++) idx[i] = Math.floor(rng.uniform() * len);
  idx.sort();
  for (let i = 0; i < len; i++) out[i] = sorted[idx[i]!]!;
}

export function bootstrapAucFromSorted(sorted: ClassSorted, replicates = 200, seed = 1): BootstrapResult {
  if (replicates < 2) throw new ExpError('usage', `bootstrap needs at least 2 replicates, got ${replicates}`);
  const rng = new Rng(seed).fork('auc-bootstrap');
  const { pos, neg } = sorted;
  const posI = new Uint32Array(pos.length);
  const negI = new Uint32Array(neg.length);
  const posS = pos instanceof Float32Array ? new Float32Array(pos.length) : new Float64Array(pos.length);
  const negS = neg instanceof Float32Array ? new Float32Array(neg.length) : new Float64Array(neg.length);
  const aucs = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    resample(pos, rng, posI, posS);
    resample(neg, rng, negI, negS);
    aucs[r] = aucFromSorted({ pos: posS, neg: negS });
  }
  let s = 0;
  for (const a of aucs) s += a;
  const mu = s / replicates;
  let v = 0;
  for (const a of aucs) v += (a - mu) * (a - mu);
  aucs.sort();
  const q = (p: number) => aucs[Math.min(replicates - 1, Math.max(0, Math.round(p * (replicates - 1))))]!;
  return { se: Math.sqrt(v / (replicates - 1)), ci95: [q(0.025), q(0.975)], replicates, seed };
}
