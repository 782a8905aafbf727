// Scores split by class and sorted ascending: the one O(n log n) step behind AUC, DeLong,
// ROC and KS. We sort each class separately with the native numeric TypedArray sort
// (no comparator callback, no index array), which handles 10M scores in about a second;
// everything afterwards is a linear merge over these two arrays.
import { ExpError } from '../errors.ts';

export interface ClassSorted {
  /** Signal (label 1) scores, ascending. */
  pos: Float64Array | Float32Array;
  /** Background (label 0) scores, ascending. */
  neg: Float64Array | Float32Array;
}

/**
 * Splits scores by label and sorts each class. Float32Array input stays float32 (no spurious
 * ties or lost ones: the values are compared exactly as stored); anything else becomes float64.
 * Labels must be 0 or 1; a NaN score is an error (it has no place in a ranking).
 */
export function splitSorted(scores: ArrayLike<number>, labels: ArrayLike<number>): ClassSorted {
  const n = scores.length;
  if (labels.length !== n) {
    throw new ExpError('data', `scores and labels differ in length (${n} scores, ${labels.length} labels)`);
  }
  let nPos = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (y === 1) nPos++;
    else if (y !== 0) throw new ExpError('data', `label at index ${i} is ${y}; labels must be 0 (background) or 1 (signal)`);
  }
  const make = (len: number) => (scores instanceof Float32Array ? new Float32Array(len) : new Float64Array(len));
  const pos = make(nPos);
  const neg = make(n - nPos);
  let p = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s)) throw new ExpError('data', `score at index ${i} is NaN`);
    if (labels[i] === 1) pos[p++] = s;
    else neg[q++] = s;
  }
  pos.sort();
  neg.sort();
  return { pos, neg };
}
