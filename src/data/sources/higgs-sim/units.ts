// Output units. `gev`: GeV and radians, b-tag as the tag level 0/1/2. `higgs`: the conventions
// of the real UCI HIGGS file, so that a model trained on simulated events can be applied to
// real ones. Every column is one multiplication by a fixed constant (MULTIPLIERS below).
//
// What the real file shows (7,000 real events, /work/shared/data/higgs-7000.tsv, read once
// by hand to derive these constants; nothing reads it at run time):
// - phi in [-1.743, 1.743]: phi divided by its sample standard deviation (pi / 1.743 = 1.8024).
// - eta: standard deviation 1.00 in every eta column, maxima |eta| = 2.430 (lepton), 2.970,
//   2.909, 2.728, 2.496 (jets 1-4): each eta divided by its own spread. With an |eta| < 2.5
//   acceptance the multipliers are max / 2.5 (divisors 1.029, 0.842, 0.859, 0.916, 1.002).
// - b-tag: three values {0, v, 2v} with v = 1.087, 1.107, 1.274, 1.551 for jets 1-4: the tag
//   level 0/1/2 times v.
// - pT, MET and the masses: positive with means near 1 (each divided by a sample mean). Our
//   divisors are (mean of the column in GeV over 200,000 simulated events with
//   signalFraction 0.53, seed 1) / (mean of the column in the real file), so simulated and real
//   means agree; see GEV_PER_HIGGS_UNIT.
export type Units = 'higgs' | 'gev';
export const UNITS: readonly Units[] = ['higgs', 'gev'];

const PHI_SCALE = 1.743 / Math.PI;
const ETA_MAX = 2.5;
const ETA_REAL_MAX = [2.43, 2.97, 2.909, 2.728, 2.496];
const BTAG_V = [1.087, 1.107, 1.274, 1.551];

/**
 * GeV per HIGGS unit for the 5 pT/MET columns (lepton pT, MET, jet 1-4 pT) and the 7 masses.
 * Derivation: (simulated mean in GeV, HIGGS_SIM_VERSION 1.0.0) / (real file mean), as noted
 * per line. Independent check: these mass scales put the real file's own peaks where the
 * physics does: m_lv 0.975-0.985 -> 80-81 GeV, signal m_bb 0.825 -> 124 GeV,
 * m_wbb 0.925 -> 301 GeV, m_wwbb 0.775 -> 402 GeV (histogram modes, bins of 0.05).
 * Must be re-derived when the physics changes (a new version).
 */
export const GEV_PER_HIGGS_UNIT = {
  lepton_pT: 59.44, // 59.64 GeV / 1.003
  missing_energy_magnitude: 52.75, // 51.92 / 0.984
  jet1_pt: 109.85, // 109.61 / 0.998
  jet2_pt: 77.51, // 76.24 / 0.984
  jet3_pt: 54.17, // 54.10 / 0.999
  jet4_pt: 38.75, // 38.16 / 0.985
  m_jj: 106.48, // 109.42 / 1.028
  m_jjj: 202.82, // 206.76 / 1.019
  m_lv: 81.9, // 86.04 / 1.051
  m_jlv: 185.04, // 187.40 / 1.013
  m_bb: 150.72, // 146.74 / 0.974
  m_wbb: 325.33, // 335.76 / 1.032
  m_wwbb: 518.44, // 496.64 / 0.958
} as const;

/** Per-column multiplier from the generator's internal values (GeV, rad, tag level) to `units`. */
export function multipliers(units: Units): Float64Array {
  const m = new Float64Array(28).fill(1);
  if (units === 'gev') return m;
  const g = GEV_PER_HIGGS_UNIT;
  m[0] = 1 / g.lepton_pT;
  m[1] = ETA_REAL_MAX[0] / ETA_MAX;
  m[2] = PHI_SCALE;
  m[3] = 1 / g.missing_energy_magnitude;
  m[4] = PHI_SCALE;
  const jetPt = [g.jet1_pt, g.jet2_pt, g.jet3_pt, g.jet4_pt];
  for (let j = 0; j < 4; j++) {
    const b = 5 + 4 * j;
    m[b] = 1 / jetPt[j];
    m[b + 1] = ETA_REAL_MAX[j + 1] / ETA_MAX;
    m[b + 2] = PHI_SCALE;
    m[b + 3] = BTAG_V[j];
  }
  const masses = [g.m_jj, g.m_jjj, g.m_lv, g.m_jlv, g.m_bb, g.m_wbb, g.m_wwbb];
  for (let k = 0; k < 7; k++) m[21 + k] = 1 / masses[k];
  return m;
}
