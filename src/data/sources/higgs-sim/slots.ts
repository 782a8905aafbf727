// Slot map of the per-event four-vector buffer (see lorentz.ts): truth partons, detector-level
// candidates, reconstructed objects and scratch. One buffer per generator, reused every event.
import { slot } from './lorentz.ts';

// Truth, written by decays.ts.
export const T_SYS = slot(0);
export const T_A = slot(1); // top 1, or H+-
export const T_B = slot(2); // top 2, or the W from H0
export const T_W1 = slot(3); // W from top 1, or the W from H+-
export const T_W2 = slot(4); // W from top 2
export const T_H = slot(5); // h0
export const T_LEP = slot(6);
export const T_NU = slot(7);
export const T_Q1 = slot(8);
export const T_Q2 = slot(9);
export const T_B1 = slot(10);
export const T_B2 = slot(11);
/** Initial-state radiation: the jet recoiling against the produced system. */
export const T_ISR = slot(12);

/** Jet candidates before selection (partons after merging, and the ISR jet), in detector.ts. */
export const C_JET = [slot(13), slot(14), slot(15), slot(16), slot(17)] as const;
export const N_CAND = 5;

// Reconstructed objects.
export const R_LEP = slot(18);
export const R_J = [slot(19), slot(20), slot(21), slot(22)] as const;
export const R_NU = slot(23);

// Scratch for the reconstruction.
export const S_JJ = slot(24);
export const S_BB = slot(25);
export const S_LV = slot(26);
export const S_TMP = slot(27);
export const S_TMP2 = slot(28);

export const SLOTS = 29;
