// The detector model: from the truth partons to what HIGGS's 21 low-level columns hold.
//
// - Jet candidates: the two light quarks, the two b quarks and the ISR jet. Partons closer than
//   Delta R 0.4 merge into one jet (anti-kt R = 0.4); a merged jet containing a b is a b jet.
// - Jets: energy resolution 100%/sqrt(E) (+) 5% on the whole four-vector, direction smearing,
//   b jets with a semileptonic-decay low tail (the jet energy scale is calibrated to the
//   most probable response, so the tail stays below 1 as in real b jets).
// - Lepton: 1.5% pT resolution; must be isolated (Delta R > 0.4 from every jet candidate).
// - Selection on the smeared objects: the lepton and at least four jets above pT 20 GeV inside
//   |eta| < 2.5; the four highest-pT jets are kept, ordered by pT. A soft or forward decay
//   parton is then replaced by the ISR jet, as in real events.
// - Missing transverse momentum: the neutrino's pT plus the mismeasurement (true minus
//   reconstructed pT) of the lepton and every jet candidate, plus a Gaussian soft term.
// - b-tagging: HIGGS's three-valued tag (0 none, 1 loose only, 2 tight) from per-flavour
//   efficiencies: b jets the b efficiencies, others the light mistag rates.
import type { Rng } from '../../../util/rng.ts';
import { add, copy, deltaR2, eta, phi, pt, setPtEtaPhiM, wrapPhi } from './lorentz.ts';
import { C_JET, N_CAND, R_J, R_LEP, T_B1, T_B2, T_ISR, T_LEP, T_NU, T_Q1, T_Q2 } from './slots.ts';
import {
  B_NU_MAX, B_SEMILEPTONIC, BTAG_B_LOOSE, BTAG_B_TIGHT, BTAG_LIGHT_LOOSE, BTAG_LIGHT_TIGHT,
  ISOLATION_DR, JET_ANGLE_SIGMA, JET_ETA_MAX, JET_PT_MIN, JET_RES_CONSTANT, JET_RES_STOCHASTIC,
  LEPTON_ANGLE_SIGMA, LEPTON_ETA_MAX, LEPTON_PT_MIN, LEPTON_RES, MET_SOFT_SIGMA,
} from './physics.ts';

/** Indices into the 21 low-level features (GeV, radians, tag level 0/1/2). */
export const L_LEP_PT = 0;
export const L_LEP_ETA = 1;
export const L_LEP_PHI = 2;
export const L_MET = 3;
export const L_MET_PHI = 4;
/** Jet j (0-based, pT order) starts at L_JET + 4 j: pt, eta, phi, btag. */
export const L_JET = 5;
export const N_LOW = 21;

const SOURCES = [T_Q1, T_Q2, T_B1, T_B2, T_ISR] as const;
const ISO2 = ISOLATION_DR * ISOLATION_DR;

/** Scratch per detector instance, so the event loop allocates nothing. */
export class Detector {
  // Per candidate: alive after merging, is b, true eta/phi, then reconstructed pt/eta/phi/mass/tag.
  private readonly alive = new Uint8Array(N_CAND);
  private readonly isB = new Uint8Array(N_CAND);
  private readonly teta = new Float64Array(N_CAND);
  private readonly tphi = new Float64Array(N_CAND);
  private readonly jpt = new Float64Array(N_CAND);
  private readonly jeta = new Float64Array(N_CAND);
  private readonly jphi = new Float64Array(N_CAND);
  private readonly jm = new Float64Array(N_CAND);
  private readonly jtag = new Float64Array(N_CAND);
  private readonly order = new Int32Array(N_CAND);

  /** MET components of the last accepted event (GeV), for the neutrino reconstruction. */
  metX = 0;
  metY = 0;

  /**
   * Simulates the detector response to the truth slots of `p`; on acceptance fills `low`
   * (N_LOW features) and the reconstructed slots and returns true. Returns false (having drawn
   * some random numbers) when the event fails the selection.
   */
  measure(p: Float64Array, low: Float64Array, rng: Rng): boolean {
    const { alive, isB, teta, tphi, jpt, jeta, jphi, jm, jtag, order } = this;
    // Jet candidates and merging (no random numbers needed).
    for (let i = 0; i < N_CAND; i++) {
      const src = SOURCES[i];
      copy(p, C_JET[i], src);
      alive[i] = 1;
      isB[i] = src === T_B1 || src === T_B2 ? 1 : 0;
      teta[i] = eta(p, src);
      tphi[i] = phi(p, src);
    }
    for (let i = 0; i < N_CAND; i++) {
      if (!alive[i]) continue;
      for (let k = i + 1; k < N_CAND; k++) {
        if (!alive[k] || deltaR2(teta[i], tphi[i], teta[k], tphi[k]) >= ISO2) continue;
        add(p, C_JET[i], C_JET[i], C_JET[k]);
        alive[k] = 0;
        isB[i] |= isB[k];
        teta[i] = eta(p, C_JET[i]);
        tphi[i] = phi(p, C_JET[i]);
      }
    }
    const lEta = eta(p, T_LEP);
    const lPhi = phi(p, T_LEP);
    for (let i = 0; i < N_CAND; i++) {
      if (alive[i] && deltaR2(lEta, lPhi, teta[i], tphi[i]) < ISO2) return false;
    }

    // Lepton.
    const lPt = pt(p, T_LEP) * (1 + LEPTON_RES * rng.normal());
    const lEtaR = lEta + LEPTON_ANGLE_SIGMA * rng.normal();
    const lPhiR = wrapPhi(lPhi + LEPTON_ANGLE_SIGMA * rng.normal());
    if (lPt < LEPTON_PT_MIN || Math.abs(lEtaR) > LEPTON_ETA_MAX) return false;
    setPtEtaPhiM(p, R_LEP, lPt, lEtaR, lPhiR, 0);
    // Visible mismeasurement, accumulated as true - reconstructed, goes into the MET.
    let dx = p[T_LEP + 1] - p[R_LEP + 1];
    let dy = p[T_LEP + 2] - p[R_LEP + 2];

    // Jets.
    let nJets = 0;
    for (let i = 0; i < N_CAND; i++) {
      if (!alive[i]) continue;
      const o = C_JET[i];
      const e = p[o];
      const res = Math.hypot(JET_RES_STOCHASTIC / Math.sqrt(e), JET_RES_CONSTANT);
      let f = 1 + res * rng.normal();
      if (isB[i] && rng.uniform() < B_SEMILEPTONIC) f *= 1 - B_NU_MAX * rng.uniform();
      if (f < 0.05) f = 0.05; // a jet never measures negative energy
      const ptR = f * pt(p, o);
      const etaR = teta[i] + JET_ANGLE_SIGMA * rng.normal();
      const phiR = wrapPhi(tphi[i] + JET_ANGLE_SIGMA * rng.normal());
      dx += p[o + 1] - ptR * Math.cos(phiR);
      dy += p[o + 2] - ptR * Math.sin(phiR);
      if (ptR < JET_PT_MIN || Math.abs(etaR) > JET_ETA_MAX) continue;
      jpt[i] = ptR;
      jeta[i] = etaR;
      jphi[i] = phiR;
      const m2 = p[o] * p[o] - p[o + 1] * p[o + 1] - p[o + 2] * p[o + 2] - p[o + 3] * p[o + 3];
      jm[i] = m2 > 0 ? f * Math.sqrt(m2) : 0;
      const u = rng.uniform();
      const tight = isB[i] ? BTAG_B_TIGHT : BTAG_LIGHT_TIGHT;
      const loose = isB[i] ? BTAG_B_LOOSE : BTAG_LIGHT_LOOSE;
      jtag[i] = u < tight ? 2 : u < loose ? 1 : 0;
      // Insertion into the pT-descending order of selected jets.
      let k = nJets++;
      while (k > 0 && jpt[order[k - 1]] < ptR) {
        order[k] = order[k - 1];
        k--;
      }
      order[k] = i;
    }
    if (nJets < 4) return false;

    // Missing transverse momentum.
    this.metX = p[T_NU + 1] + dx + MET_SOFT_SIGMA * rng.normal();
    this.metY = p[T_NU + 2] + dy + MET_SOFT_SIGMA * rng.normal();

    low[L_LEP_PT] = lPt;
    low[L_LEP_ETA] = lEtaR;
    low[L_LEP_PHI] = lPhiR;
    low[L_MET] = Math.hypot(this.metX, this.metY);
    low[L_MET_PHI] = Math.atan2(this.metY, this.metX);
    for (let j = 0; j < 4; j++) {
      const i = order[j];
      const b = L_JET + 4 * j;
      low[b] = jpt[i];
      low[b + 1] = jeta[i];
      low[b + 2] = jphi[i];
      low[b + 3] = jtag[i];
      setPtEtaPhiM(p, R_J[j], jpt[i], jeta[i], jphi[i], jm[i]);
    }
    return true;
  }
}
