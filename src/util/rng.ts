// Seeded random numbers for everything that must be reproducible: the simulator, splits,
// per-epoch shuffles and weight initialisers.
//
// Hand-rolled on purpose: xoshiro128** is ~20 lines, allocation-free and several times
// faster than seedrandom's generators in V8, and we need cheap independent streams
// (`fork`) so that e.g. the shuffle of epoch 3 does not depend on how many numbers the
// initialisers drew. Seeds are expanded with SplitMix32 as the xoshiro authors recommend.

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

/** 32-bit FNV-1a of a string, to turn stream names into seeds. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    let s = this.seed;
    let v: number;
    [s, v] = splitmix32(s); this.a = v;
    [s, v] = splitmix32(s); this.b = v;
    [s, v] = splitmix32(s); this.c = v;
    [, v] = splitmix32(s); this.d = v;
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** An independent generator for a named sub-stream: same seed + same name, same numbers. */
  fork(stream: string | number): Rng {
    const h = typeof stream === 'number' ? Math.imul(stream + 1, 0x9e3779b1) : hashString(stream);
    return new Rng((this.seed ^ h ^ 0x5bd1e995) >>> 0);
  }

  /** Uniform uint32. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal deviate (Marsaglia polar method; the second deviate is cached). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    return u * m;
  }

  /** Exponential deviate with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** Cauchy (Breit-Wigner) deviate around m0 with full width gamma. */
  breitWigner(m0: number, gamma: number): number {
    return m0 + 0.5 * gamma * Math.tan(Math.PI * (this.uniform() - 0.5));
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
