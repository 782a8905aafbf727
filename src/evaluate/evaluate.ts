// One model's evaluation on the test part (and, when given, the training part for the
// overtraining check). Pure: typed arrays in, a JSON-serialisable object out.
import { ExpError } from '../errors.ts';
import { splitSorted } from './sorted.ts';
import { aucFromSorted } from './auc.ts';
import { binaryCrossEntropy, accuracyAtHalf } from './loss.ts';
import { rocCurve, thinRoc, type RocPoints } from './roc.ts';
import { delongFromSorted } from './delong.ts';
import { bootstrapAucFromSorted } from './bootstrap.ts';
import { signalEfficiencyAt, type WorkingPoint } from './efficiency.ts';
import { ksTestSorted, type KsResult } from './ks.ts';
import { bestAsimovCut, type BestCut } from './significance.ts';
import { scoreHistograms, type ScoreHistograms } from './histogram.ts';

export interface ScoredSet {
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
}

export interface EvaluateOptions {
  /** Most points kept of the ROC curve (default 1000). */
  maxRocPoints?: number;
  /** Background efficiencies for the working points (default [0.1, 0.01, 0.001]). */
  backgroundEfficiencies?: number[];
  /** Standard error method(s) for the AUC (default 'delong'). */
  aucSe?: 'delong' | 'bootstrap' | 'both';
  bootstrap?: { replicates?: number; seed?: number };
  /** Expected signal and background yields before any cut, for the Asimov significance. */
  yields?: { signal: number; background: number };
  /** Minimum test background events passing a cut for it to count in the best-cut search (default 10). */
  minBackgroundEvents?: number;
  /** Bins of the stored score histograms (default 40). */
  histogramBins?: number;
}

export interface Evaluation {
  events: { test: { signal: number; background: number }; train?: { signal: number; background: number } };
  loss: number;
  accuracy: number;
  auc: number;
  /** DeLong standard error (null when only bootstrap was asked for). */
  auc_se: number | null;
  auc_bootstrap?: { se: number; ci95: [number, number]; replicates: number; seed: number };
  roc: RocPoints & { corners: number };
  working_points: WorkingPoint[];
  /** Kolmogorov-Smirnov train vs test per class; absent without training scores. */
  overtraining?: { signal: KsResult; background: KsResult };
  train?: { loss: number; accuracy: number; auc: number };
  significance?: BestCut | { note: string };
  histograms: ScoreHistograms;
}

function classCounts(labels: ArrayLike<number>) {
  let s = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) s++;
  return { signal: s, background: labels.length - s };
}

export function evaluateScores(args: { test: ScoredSet; train?: ScoredSet; options?: EvaluateOptions }): Evaluation {
  const { test, train } = args;
  const o = args.options ?? {};
  if (test.scores.length === 0) throw new ExpError('data', 'cannot evaluate: the test set is empty');
  const sorted = splitSorted(test.scores, test.labels);
  const curve = rocCurve(sorted);
  const seMode = o.aucSe ?? 'delong';
  const auc = aucFromSorted(sorted);
  const delong = seMode !== 'bootstrap' && sorted.pos.length >= 2 && sorted.neg.length >= 2 ? delongFromSorted(sorted) : null;
  const ev: Evaluation = {
    events: { test: { signal: sorted.pos.length, background: sorted.neg.length } },
    loss: binaryCrossEntropy(test.scores, test.labels),
    accuracy: accuracyAtHalf(test.scores, test.labels),
    auc,
    auc_se: delong ? delong.se : null,
    roc: { ...thinRoc(curve, o.maxRocPoints ?? 1000), corners: curve.fpr.length },
    working_points: (o.backgroundEfficiencies ?? [0.1, 0.01, 0.001]).map((e) => signalEfficiencyAt(curve, e)),
    histograms: scoreHistograms(test, train, o.histogramBins ?? 40),
  };
  if (seMode !== 'delong') ev.auc_bootstrap = bootstrapAucFromSorted(sorted, o.bootstrap?.replicates ?? 200, o.bootstrap?.seed ?? 1);
  if (train && train.scores.length > 0) {
    const tr = splitSorted(train.scores, train.labels);
    ev.events.train = classCounts(train.labels);
    ev.train = {
      loss: binaryCrossEntropy(train.scores, train.labels),
      accuracy: accuracyAtHalf(train.scores, train.labels),
      auc: aucFromSorted(tr),
    };
    ev.overtraining = { signal: ksTestSorted(tr.pos, sorted.pos), background: ksTestSorted(tr.neg, sorted.neg) };
  }
  if (o.yields) {
    const best = bestAsimovCut(curve, o.yields.signal, o.yields.background, o.minBackgroundEvents ?? 10);
    ev.significance = best ?? { note: `no cut keeps at least ${o.minBackgroundEvents ?? 10} test background events` };
  }
  return ev;
}
