// The two decay chains, from the produced system down to the six final-state partons that
// the detector sees: a charged lepton, a neutrino, two light quarks (the hadronic W) and two
// b quarks. Both chains write the same truth slots, so the detector and the reconstruction do
// not know which process made the event.
import type { Rng } from '../../../util/rng.ts';
import { decay2 } from './lorentz.ts';
import { breitWigner, produceSystem, ttbarMass } from './production.ts';
import {
  BW_TRUNCATION, GAMMA_H0, GAMMA_HC, GAMMA_TOP, GAMMA_W, M_B, M_H, M_H0, M_HC, M_TOP, M_W,
} from './physics.ts';

import { T_A, T_B, T_B1, T_B2, T_H, T_ISR, T_LEP, T_NU, T_Q1, T_Q2, T_SYS, T_W1, T_W2 } from './slots.ts';

/** The W's decay: to the lepton and neutrino, or to two light quarks. Massless leptons and quarks. */
function decayW(p: Float64Array, w: number, mW: number, leptonic: boolean, rng: Rng): void {
  if (leptonic) decay2(p, w, mW, T_LEP, 0, T_NU, 0, rng);
  else decay2(p, w, mW, T_Q1, 0, T_Q2, 0, rng);
}

/** Lightest W the truncated Breit-Wigner allows: parents must leave at least this much. */
const W_MIN = M_W - BW_TRUNCATION * GAMMA_W;

/** Off-shell W mass, below `hi` (what the parent leaves; at least W_MIN by construction). */
function wMass(rng: Rng, hi: number): number {
  return breitWigner(rng, M_W, GAMMA_W, W_MIN, hi);
}

/** gg -> H0 -> W H+-, H+- -> W h0, h0 -> b bbar; either W may be the leptonic one. */
export function signalEvent(p: Float64Array, rng: Rng): void {
  // Each parent leaves room for the lightest allowed W, so no decay is kinematically closed.
  const mH0 = breitWigner(rng, M_H0, GAMMA_H0, M_H + 2 * W_MIN + 1, Infinity);
  const mHc = breitWigner(rng, M_HC, GAMMA_HC, M_H + W_MIN, mH0 - W_MIN);
  const mW0 = wMass(rng, mH0 - mHc);
  const mW1 = wMass(rng, mHc - M_H);
  produceSystem(p, T_SYS, T_ISR, mH0, rng);
  decay2(p, T_SYS, mH0, T_B, mW0, T_A, mHc, rng);
  decay2(p, T_A, mHc, T_W1, mW1, T_H, M_H, rng);
  decay2(p, T_H, M_H, T_B1, M_B, T_B2, M_B, rng);
  const firstLeptonic = rng.uniform() < 0.5;
  decayW(p, T_B, mW0, firstLeptonic, rng);
  decayW(p, T_W1, mW1, !firstLeptonic, rng);
}

/** t tbar -> W+ b W- bbar with one W -> l nu and the other -> q q'. */
export function backgroundEvent(p: Float64Array, rng: Rng): void {
  const mt1 = breitWigner(rng, M_TOP, GAMMA_TOP, W_MIN + M_B, Infinity);
  const mt2 = breitWigner(rng, M_TOP, GAMMA_TOP, W_MIN + M_B, Infinity);
  const mW1 = wMass(rng, mt1 - M_B);
  const mW2 = wMass(rng, mt2 - M_B);
  const mtt = ttbarMass(rng, mt1 + mt2);
  produceSystem(p, T_SYS, T_ISR, mtt, rng);
  decay2(p, T_SYS, mtt, T_A, mt1, T_B, mt2, rng);
  decay2(p, T_A, mt1, T_W1, mW1, T_B1, M_B, rng);
  decay2(p, T_B, mt2, T_W2, mW2, T_B2, M_B, rng);
  // t and tbar are symmetric here, so top 1 always carries the leptonic W.
  decayW(p, T_W1, mW1, true, rng);
  decayW(p, T_W2, mW2, false, rng);
}
