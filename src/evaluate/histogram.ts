// Score histograms per class, stored in evaluation.json so plots can be redrawn from the run
// directory alone. Classifier outputs in [0, 1] get fixed edges on [0, 1] so train and test
// (and different models) share bins; anything else uses the joint min..max.

export interface ScoreHistograms {
  edges: number[];
  test: { signal: number[]; background: number[] };
  train?: { signal: number[]; background: number[] };
}

export function scoreRange(...arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo >= 0 && hi <= 1) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

export function histogramByClass(scores: ArrayLike<number>, labels: ArrayLike<number>, lo: number, hi: number, bins: number) {
  const signal = new Array<number>(bins).fill(0);
  const background = new Array<number>(bins).fill(0);
  const w = (hi - lo) / bins;
  for (let i = 0; i < scores.length; i++) {
    let b = Math.floor((scores[i]! - lo) / w);
    if (b < 0) b = 0;
    if (b >= bins) b = bins - 1; // the upper edge belongs to the last bin
    if (labels[i] === 1) signal[b]!++;
    else background[b]!++;
  }
  return { signal, background };
}

export function scoreHistograms(
  test: { scores: ArrayLike<number>; labels: ArrayLike<number> },
  train: { scores: ArrayLike<number>; labels: ArrayLike<number> } | undefined,
  bins = 40,
): ScoreHistograms {
  const [lo, hi] = train ? scoreRange(test.scores, train.scores) : scoreRange(test.scores);
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  const h: ScoreHistograms = { edges, test: histogramByClass(test.scores, test.labels, lo, hi, bins) };
  if (train) h.train = histogramByClass(train.scores, train.labels, lo, hi, bins);
  return h;
}
