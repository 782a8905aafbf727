// The four-vector building blocks against hand computations: exact two-body decays with
// boosts (four-momentum conservation, daughter masses, rest-frame momentum) and the neutrino
// pz from the W-mass constraint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';
import { decay2, mass, setPtEtaPhiM, slot, twoBodyMomentum } from '../../src/data/sources/higgs-sim/lorentz.ts';
import { neutrinoPz } from '../../src/data/sources/higgs-sim/reconstruct.ts';

const close = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('two-body momentum: top -> W b by hand', () => {
  // p* = sqrt((M^2 - (m1+m2)^2)(M^2 - (m1-m2)^2)) / 2M with M 173, m1 80.4, m2 4.8.
  const M = 173, m1 = 80.4, m2 = 4.8;
  const expected = Math.sqrt((M * M - 85.2 * 85.2) * (M * M - 75.6 * 75.6)) / (2 * M);
  close(twoBodyMomentum(M, m1, m2), expected, 1e-9, 'p*');
  close(twoBodyMomentum(125, 0, 0), 62.5, 1e-12, 'massless p*');
});

test('boosted decays conserve four-momentum and give on-shell daughters', () => {
  const rng = new Rng(3);
  const p = new Float64Array(12);
  for (let i = 0; i < 1000; i++) {
    const M = 100 + 400 * rng.uniform();
    const m1 = 0.3 * M * rng.uniform();
    const m2 = 0.3 * M * rng.uniform();
    setPtEtaPhiM(p, slot(0), 300 * rng.uniform(), 4 * rng.uniform() - 2, 6 * rng.uniform() - 3, M);
    decay2(p, slot(0), M, slot(1), m1, slot(2), m2, rng);
    for (let k = 0; k < 4; k++) close(p[slot(1) + k] + p[slot(2) + k], p[k], 1e-9 * p[0], `component ${k}`);
    close(mass(p, slot(1)), m1, 1e-6 * M, 'm1');
    close(mass(p, slot(2)), m2, 1e-6 * M, 'm2');
  }
});

test('decays are isotropic in the rest frame', () => {
  // A parent at rest: the daughter's cos(theta) must be uniform, mean 0 and mean square 1/3.
  const rng = new Rng(5);
  const p = new Float64Array(12);
  let s1 = 0, s2 = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    p.fill(0, 0, 4);
    p[0] = 125;
    decay2(p, 0, 125, 4, 4.8, 8, 4.8, rng);
    const c = p[7] / Math.hypot(p[5], p[6], p[7]);
    s1 += c;
    s2 += c * c;
  }
  close(s1 / n, 0, 0.02, 'mean cos');
  close(s2 / n, 1 / 3, 0.01, 'mean cos^2');
});

test('neutrino pz: with a real solution m(l nu) is exactly m_W; the smaller |pz| is taken', () => {
  const p = new Float64Array(12);
  setPtEtaPhiM(p, 0, 40, 0.7, 0.3, 0);
  const mx = 30 * Math.cos(2.5), my = 30 * Math.sin(2.5);
  const pz = neutrinoPz(p, 0, mx, my, 80.4);
  p[5] = mx; p[6] = my; p[7] = pz; p[4] = Math.hypot(mx, my, pz);
  for (let k = 0; k < 4; k++) p[8 + k] = p[k] + p[4 + k];
  close(mass(p, 8), 80.4, 1e-6, 'm_lv');
  // The other root, by brute force along pz, is farther from zero.
  let other = NaN;
  for (let z = -2000; z < 2000; z += 0.01) {
    const e = Math.hypot(mx, my, z);
    const m2 = (p[0] + e) ** 2 - (p[1] + mx) ** 2 - (p[2] + my) ** 2 - (p[3] + z) ** 2;
    if (Math.abs(Math.sqrt(Math.max(0, m2)) - 80.4) < 0.01 && Math.abs(z - pz) > 1) { other = z; break; }
  }
  assert.ok(Number.isFinite(other), 'second root found');
  assert.ok(Math.abs(other) > Math.abs(pz), `other root ${other} vs chosen ${pz}`);
});

test('neutrino pz: without a real solution the real part is taken and m(l nu) exceeds m_W', () => {
  const p = new Float64Array(12);
  setPtEtaPhiM(p, 0, 40, 0.5, 0, 0);
  // MET back to back with a large lepton pT: transverse mass above m_W, no real solution.
  const mx = -120, my = 0;
  const pz = neutrinoPz(p, 0, mx, my, 80.4);
  p[5] = mx; p[6] = my; p[7] = pz; p[4] = Math.hypot(mx, my, pz);
  for (let k = 0; k < 4; k++) p[8 + k] = p[k] + p[4 + k];
  assert.ok(mass(p, 8) > 80.4, `m_lv ${mass(p, 8)}`);
  // The real part is mu pz_l / pT_l^2, with mu = m_W^2/2 + pT_l . pT_nu.
  const mu = 0.5 * 80.4 * 80.4 + 40 * mx;
  close(pz, (mu * p[3]) / (40 * 40), 1e-9, 'pz');
});
