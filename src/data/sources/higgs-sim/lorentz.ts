// Four-vector arithmetic on a flat Float64Array, one "slot" of 4 doubles [E, px, py, pz] per
// particle, so the event loop allocates nothing: every function reads and writes slots of a
// scratch buffer that the generator owns and reuses for every event.
//
// Hand-rolled: no npm physics-vector package works on typed-array slots without per-vector
// objects, and the whole set is a few exact formulas.
import type { Rng } from '../../../util/rng.ts';

/** Offset of slot k in a four-vector buffer. */
export const slot = (k: number): number => 4 * k;

export function setPtEtaPhiM(p: Float64Array, o: number, pt: number, eta: number, phi: number, m: number): void {
  const px = pt * Math.cos(phi);
  const py = pt * Math.sin(phi);
  const pz = pt * Math.sinh(eta);
  p[o + 1] = px;
  p[o + 2] = py;
  p[o + 3] = pz;
  p[o] = Math.sqrt(px * px + py * py + pz * pz + m * m);
}

export function copy(p: Float64Array, dst: number, src: number): void {
  p[dst] = p[src];
  p[dst + 1] = p[src + 1];
  p[dst + 2] = p[src + 2];
  p[dst + 3] = p[src + 3];
}

/** dst = a + b (dst may alias a or b). */
export function add(p: Float64Array, dst: number, a: number, b: number): void {
  p[dst] = p[a] + p[b];
  p[dst + 1] = p[a + 1] + p[b + 1];
  p[dst + 2] = p[a + 2] + p[b + 2];
  p[dst + 3] = p[a + 3] + p[b + 3];
}

/** dst = a - b. */
export function sub(p: Float64Array, dst: number, a: number, b: number): void {
  p[dst] = p[a] - p[b];
  p[dst + 1] = p[a + 1] - p[b + 1];
  p[dst + 2] = p[a + 2] - p[b + 2];
  p[dst + 3] = p[a + 3] - p[b + 3];
}

/** Invariant mass; a slightly negative m^2 from rounding gives 0. */
export function mass(p: Float64Array, o: number): number {
  const m2 = p[o] * p[o] - p[o + 1] * p[o + 1] - p[o + 2] * p[o + 2] - p[o + 3] * p[o + 3];
  return m2 > 0 ? Math.sqrt(m2) : 0;
}

export function pt(p: Float64Array, o: number): number {
  return Math.hypot(p[o + 1], p[o + 2]);
}

export function phi(p: Float64Array, o: number): number {
  return Math.atan2(p[o + 2], p[o + 1]);
}

/** Pseudorapidity asinh(pz / pT). */
export function eta(p: Float64Array, o: number): number {
  return Math.asinh(p[o + 3] / pt(p, o));
}

/** Momentum of each daughter in the rest frame of a parent of mass M decaying to masses m1, m2. */
export function twoBodyMomentum(M: number, m1: number, m2: number): number {
  const s = m1 + m2;
  const d = m1 - m2;
  return Math.sqrt(Math.max(0, (M * M - s * s) * (M * M - d * d))) / (2 * M);
}

/**
 * Isotropic two-body decay of the parent in slot `par` (mass M) into daughters of masses m1
 * and m2, written in the lab frame to slots d1 and d2. Daughter 1 is drawn in the parent's rest
 * frame and boosted exactly; daughter 2 = parent - daughter 1 (exact momentum conservation).
 */
export function decay2(
  p: Float64Array, par: number, M: number, d1: number, m1: number, d2: number, m2: number, rng: Rng,
): void {
  const q = twoBodyMomentum(M, m1, m2);
  const cosT = 2 * rng.uniform() - 1;
  const sinT = Math.sqrt(1 - cosT * cosT);
  const ph = 2 * Math.PI * rng.uniform();
  const qx = q * sinT * Math.cos(ph);
  const qy = q * sinT * Math.sin(ph);
  const qz = q * cosT;
  const e = Math.sqrt(q * q + m1 * m1);
  // Boost by the parent's velocity P/E: with gamma = E/M the standard formulas become
  // e' = (E e + P.q) / M and q' = q + P (P.q / (M (E + M)) + e / M).
  const E = p[par];
  const Px = p[par + 1];
  const Py = p[par + 2];
  const Pz = p[par + 3];
  const pq = Px * qx + Py * qy + Pz * qz;
  const k = pq / (M * (E + M)) + e / M;
  p[d1] = (E * e + pq) / M;
  p[d1 + 1] = qx + k * Px;
  p[d1 + 2] = qy + k * Py;
  p[d1 + 3] = qz + k * Pz;
  sub(p, d2, par, d1);
}

/** Wraps an angle to (-pi, pi]. */
export function wrapPhi(a: number): number {
  while (a > Math.PI) a -= 2 * Math.PI;
  while (a <= -Math.PI) a += 2 * Math.PI;
  return a;
}

/** Delta R^2 = d_eta^2 + d_phi^2 between two directions. */
export function deltaR2(eta1: number, phi1: number, eta2: number, phi2: number): number {
  const de = eta1 - eta2;
  const dp = wrapPhi(phi1 - phi2);
  return de * de + dp * dp;
}
