// Production kinematics at an 8 TeV proton collider: the produced system (H0 or t tbar) gets
// a transverse momentum from initial-state radiation and a longitudinal boost from the parton
// momentum fractions. Its mass comes from the caller (a Breit-Wigner for H0, a falling
// spectrum above threshold for t tbar).
import type { Rng } from '../../../util/rng.ts';
import { setPtEtaPhiM } from './lorentz.ts';
import { BW_TRUNCATION, ISR_ETA_SIGMA, SYSTEM_PT_THETA, SYSTEM_Y_SIGMA, TTBAR_MASS_THETA } from './physics.ts';

/** Gamma(2, theta) deviate: the sum of two exponentials, -theta ln(u1 u2). */
export function gamma2(rng: Rng, theta: number): number {
  return -theta * Math.log((1 - rng.uniform()) * (1 - rng.uniform()));
}

/**
 * Breit-Wigner mass around m0 with full width gamma, truncated to m0 +- BW_TRUNCATION gamma
 * and to the kinematic window [lo, hi] (redrawn until inside, so the shape within the window
 * is exactly the Breit-Wigner's).
 */
export function breitWigner(rng: Rng, m0: number, gamma: number, lo: number, hi: number): number {
  const a = Math.max(lo, m0 - BW_TRUNCATION * gamma);
  const b = Math.min(hi, m0 + BW_TRUNCATION * gamma);
  // The decay chains size every window to be open; a closed one is a bug, not bad input.
  if (!(b > a)) throw new Error(`higgs-sim: empty mass window [${a}, ${b}] for m0 = ${m0}`);
  for (;;) {
    const m = rng.breitWigner(m0, gamma);
    if (m > a && m < b) return m;
  }
}

/** t tbar invariant mass: threshold + Gamma(2, theta), peaking just above threshold and falling. */
export function ttbarMass(rng: Rng, threshold: number): number {
  return threshold + gamma2(rng, TTBAR_MASS_THETA);
}

/**
 * Writes the produced system of mass m to slot o (pT ~ Gamma(2), rapidity ~ Normal, phi
 * uniform) and the initial-state radiation that balances its pT to slot isr: one massless jet
 * back to back in phi, at its own pseudorapidity. When hard enough it is a jet in the detector,
 * competing with the decay products for the four selected jets (the combinatorics of real events).
 */
export function produceSystem(p: Float64Array, o: number, isr: number, m: number, rng: Rng): void {
  const pT = gamma2(rng, SYSTEM_PT_THETA);
  const y = SYSTEM_Y_SIGMA * rng.normal();
  const ph = 2 * Math.PI * rng.uniform();
  const mT = Math.sqrt(m * m + pT * pT);
  p[o] = mT * Math.cosh(y);
  p[o + 1] = pT * Math.cos(ph);
  p[o + 2] = pT * Math.sin(ph);
  p[o + 3] = mT * Math.sinh(y);
  setPtEtaPhiM(p, isr, pT, ISR_ETA_SIGMA * rng.normal(), ph + Math.PI, 0);
}
