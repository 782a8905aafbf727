// Physics and detector parameters of the simulator, in GeV and radians. Masses and widths are
// the (Baldi, Sadowski, Whiteson 2014: m_H0 425, m_H+- 325, m_h0 125) and the PDG's;
// the production and detector numbers are typical of an 8 TeV LHC experiment and were tuned so
// that the difficulty resembles real HIGGS data (see test/sim and the report in the commit log).

export const M_W = 80.4;
export const GAMMA_W = 2.085;
export const M_TOP = 173;
export const GAMMA_TOP = 1.42;
export const M_B = 4.8;
export const M_H0 = 425;
/** The heavy neutral and charged Higgs widths are model dependent; a few GeV is typical. */
export const GAMMA_H0 = 8;
export const M_HC = 325;
export const GAMMA_HC = 5;
/** h0 is narrow (4 MeV): its width is far below the detector resolution, so it is fixed. */
export const M_H = 125;

/** Breit-Wigner draws are truncated to m0 +- BW_TRUNCATION * gamma (tails beyond are unphysical
 * far off-shell regions that the Cauchy form overstates). */
export const BW_TRUNCATION = 10;

// --- production at sqrt(s) = 8 TeV -----------------------------------------------------------
/** pT of the produced system (H0 or t tbar) ~ Gamma(2, theta): mode theta, mean 2 theta. */
export const SYSTEM_PT_THETA = 25;
/** Rapidity of the produced system ~ Normal(0, sigma); heavier systems are more central. */
export const SYSTEM_Y_SIGMA = 0.75;
/** Pseudorapidity of the ISR jet ~ Normal(0, sigma): radiation is more forward than the system. */
export const ISR_ETA_SIGMA = 1.0;
/** t tbar invariant mass = threshold + Gamma(2, theta): peaks near 2 m_t + theta, falling above. */
export const TTBAR_MASS_THETA = 60;

// --- detector -----------------------------------------------------------------------------
/** Jet energy resolution sigma_E / E = A / sqrt(E / GeV) (+) C. */
export const JET_RES_STOCHASTIC = 1.0;
export const JET_RES_CONSTANT = 0.05;
/** Jet direction smearing (eta and phi). */
export const JET_ANGLE_SIGMA = 0.025;
/** Lepton pT resolution (relative). */
export const LEPTON_RES = 0.015;
export const LEPTON_ANGLE_SIGMA = 0.001;
/** Semileptonic b decays (about 20% of b jets) leave a neutrino carrying a fraction
 * ~ Uniform(0, B_NU_MAX) of the jet energy: a low tail in the b-jet response (whose most
 * probable value stays 1) and a second source of missing momentum. */
export const B_SEMILEPTONIC = 0.2;
export const B_NU_MAX = 0.5;
/** Soft (unclustered) contribution to missing transverse momentum, per component. */
export const MET_SOFT_SIGMA = 8;

export const LEPTON_PT_MIN = 20;
export const LEPTON_ETA_MAX = 2.5;
export const JET_PT_MIN = 20;
export const JET_ETA_MAX = 2.5;
/** Partons closer than this in Delta R merge into one jet (anti-kt R = 0.4): the event then has
 * fewer than four jets and fails the selection; a lepton this close to a jet is not isolated. */
export const ISOLATION_DR = 0.4;

// b-tagging: each jet gets a tag level 0 (none), 1 (loose only), 2 (tight), HIGGS's three-valued
// b-tag. Cumulative probabilities of level >= 1 and level 2 per true flavour. A b efficiency of
// ~90% (loose) / ~75% (tight) with light mistags of ~2% / 0.5% reproduces the real file's
// per-jet tag fractions (about 50% untagged, 9% loose, 40% tight) and its 2-tag majority.
export const BTAG_B_LOOSE = 0.92;
export const BTAG_B_TIGHT = 0.76;
export const BTAG_LIGHT_LOOSE = 0.01;
export const BTAG_LIGHT_TIGHT = 0.002;
