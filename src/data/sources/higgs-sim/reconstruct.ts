// The seven high-level features of HIGGS, reconstructed from the smeared objects only (never
// from truth), as Baldi, Sadowski & Whiteson 2014 define them: m_jj, m_jjj, m_lv, m_jlv, m_bb,
// m_Wbb, m_WWbb.
//
// Neutrino: its transverse momentum is the MET; its pz solves m(l nu) = m_W for a massless
// lepton. Of two real solutions the smaller |pz| is taken (the usual choice: right more often);
// when the discriminant is negative (mismeasured MET) its real part is taken, so m_lv is
// exactly m_W for most events and above it for the rest, the sharp peak of the real file.
//
// Jet assignment (documented choice; the paper names the masses but not the algorithm):
// 1. The two jets with the highest b-tag level are the b candidates (ties: higher pT first,
//    jets being pT ordered); the other two are the hadronic W's jets -> m_jj, m_bb.
// 2. Each b candidate goes to one top: b_a with the jj system (hadronic top, m_jjj) and b_b with
//    the lepton and neutrino (leptonic top, m_jlv), choosing of the two pairings the one that
//    minimises (m_jjj - m_t)^2 + (m_jlv - m_t)^2, as t tbar analyses do.
// 3. m_Wbb = m(jj + bb): the hadronic W, fully measured, with both b candidates (in signal it is
//    the H+- -> W h0 candidate; it is the right W half of the time, the other W coming from H0).
// 4. m_WWbb = m(l nu + jj + bb): the whole system (H0 in signal).
import { add, mass } from './lorentz.ts';
import { R_J, R_LEP, R_NU, S_BB, S_JJ, S_LV, S_TMP, S_TMP2 } from './slots.ts';
import { M_TOP, M_W } from './physics.ts';

/** Indices of the 7 high-level features in the output. */
export const H_JJ = 0;
export const H_JJJ = 1;
export const H_LV = 2;
export const H_JLV = 3;
export const H_BB = 4;
export const H_WBB = 5;
export const H_WWBB = 6;
export const N_HIGH = 7;

/**
 * Neutrino pz from the W-mass constraint on (lepton in slot `lep`, massless) + (neutrino with
 * transverse momentum mx, my). Exported for tests.
 */
export function neutrinoPz(p: Float64Array, lep: number, mx: number, my: number, mW: number): number {
  const lx = p[lep + 1];
  const ly = p[lep + 2];
  const lz = p[lep + 3];
  const el = p[lep];
  const pt2 = lx * lx + ly * ly;
  const mu = 0.5 * mW * mW + lx * mx + ly * my;
  const a = (mu * lz) / pt2;
  const disc = a * a - (el * el * (mx * mx + my * my) - mu * mu) / pt2;
  if (disc <= 0) return a;
  const r = Math.sqrt(disc);
  return a >= 0 ? a - r : a + r;
}

/**
 * Fills `high` (N_HIGH values, GeV) from the reconstructed lepton and jets in `p`, the MET
 * (mx, my) and the jets' b-tag levels `tags` (pT order).
 */
export function reconstruct(
  p: Float64Array, mx: number, my: number, tags: ArrayLike<number>, high: Float64Array,
): void {
  const pz = neutrinoPz(p, R_LEP, mx, my, M_W);
  p[R_NU + 1] = mx;
  p[R_NU + 2] = my;
  p[R_NU + 3] = pz;
  p[R_NU] = Math.sqrt(mx * mx + my * my + pz * pz);
  add(p, S_LV, R_LEP, R_NU);

  // Two best-tagged jets: b1 before b2 in (tag desc, pT desc) order.
  let b1 = 0;
  for (let j = 1; j < 4; j++) if (tags[j] > tags[b1]) b1 = j;
  let b2 = b1 === 0 ? 1 : 0;
  for (let j = 0; j < 4; j++) if (j !== b1 && tags[j] > tags[b2]) b2 = j;
  let w1 = -1;
  let w2 = -1;
  for (let j = 0; j < 4; j++) {
    if (j === b1 || j === b2) continue;
    if (w1 < 0) w1 = j;
    else w2 = j;
  }
  add(p, S_JJ, R_J[w1], R_J[w2]);
  add(p, S_BB, R_J[b1], R_J[b2]);

  // Pairing A: b1 hadronic, b2 leptonic; pairing B: the reverse.
  add(p, S_TMP, S_JJ, R_J[b1]);
  const hadA = mass(p, S_TMP);
  add(p, S_TMP, S_LV, R_J[b2]);
  const lepA = mass(p, S_TMP);
  add(p, S_TMP, S_JJ, R_J[b2]);
  const hadB = mass(p, S_TMP);
  add(p, S_TMP, S_LV, R_J[b1]);
  const lepB = mass(p, S_TMP);
  const chiA = (hadA - M_TOP) ** 2 + (lepA - M_TOP) ** 2;
  const chiB = (hadB - M_TOP) ** 2 + (lepB - M_TOP) ** 2;

  high[H_JJ] = mass(p, S_JJ);
  high[H_JJJ] = chiA <= chiB ? hadA : hadB;
  high[H_LV] = mass(p, S_LV);
  high[H_JLV] = chiA <= chiB ? lepA : lepB;
  high[H_BB] = mass(p, S_BB);
  add(p, S_TMP, S_JJ, S_BB);
  high[H_WBB] = mass(p, S_TMP);
  add(p, S_TMP2, S_TMP, S_LV);
  high[H_WWBB] = mass(p, S_TMP2);
}
