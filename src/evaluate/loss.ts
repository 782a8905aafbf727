// Binary cross-entropy and accuracy over predicted probabilities, the same definitions as
// Keras / tfjs (clip to [eps, 1 - eps] with eps = 1e-7; a score above 0.5 predicts signal),
// so the test numbers line up with the per-epoch training metrics.

const EPS = 1e-7;

/** Mean binary cross-entropy of probabilities `scores` against labels in {0, 1}. */
export function binaryCrossEntropy(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  if (n === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(1 - EPS, Math.max(EPS, scores[i]!));
    const y = labels[i]!;
    sum -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
  }
  return sum / n;
}

/** Fraction of events with (score > 0.5) === (label === 1). */
export function accuracyAtHalf(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  if (n === 0) return NaN;
  let right = 0;
  for (let i = 0; i < n; i++) if ((scores[i]! > 0.5) === (labels[i] === 1)) right++;
  return right / n;
}
