// Value sanity in HIGGS units (the real file's conventions): phi in [-1.743, 1.743], each
// b-tag column takes only {0, v, 2v} with the real file's v, pT and masses positive with means
// near 1, eta within the real file's per-column range, the class fraction as requested.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateHiggsSim, HIGGS_SIM_COLUMNS } from '../../src/data/sources/higgs-sim/index.ts';

const N = 20_000;
const { x, y } = generateHiggsSim({ events: N, signalFraction: 0.3, seed: 21, units: 'higgs' });
const col = (name: string): Float32Array => {
  const c = HIGGS_SIM_COLUMNS.indexOf(name);
  assert.ok(c >= 0, name);
  const out = new Float32Array(N);
  for (let r = 0; r < N; r++) out[r] = x[r * 28 + c];
  return out;
};
const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;

test('columns are the 28 UCI HIGGS columns in order', () => {
  assert.equal(HIGGS_SIM_COLUMNS.length, 28);
  assert.equal(HIGGS_SIM_COLUMNS[3], 'missing_energy_magnitude');
  assert.equal(HIGGS_SIM_COLUMNS[8], 'jet1_btag');
  assert.equal(HIGGS_SIM_COLUMNS[20], 'jet4_btag');
  assert.equal(HIGGS_SIM_COLUMNS[27], 'm_wwbb');
});

test('phi columns lie in [-1.743, 1.743] and fill it', () => {
  for (const name of ['lepton_phi', 'missing_energy_phi', 'jet1_phi', 'jet2_phi', 'jet3_phi', 'jet4_phi']) {
    const a = col(name);
    let lo = Infinity, hi = -Infinity;
    for (const v of a) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    assert.ok(lo >= -1.7431 && hi <= 1.7431, `${name} in [${lo}, ${hi}]`);
    assert.ok(lo < -1.7 && hi > 1.7, `${name} covers the range: [${lo}, ${hi}]`);
  }
});

test('eta columns stay inside the real file ranges (2.43 lepton, 2.97/2.909/2.728/2.496 jets)', () => {
  const limits: Array<[string, number]> = [
    ['lepton_eta', 2.43], ['jet1_eta', 2.97], ['jet2_eta', 2.909], ['jet3_eta', 2.728], ['jet4_eta', 2.496],
  ];
  for (const [name, lim] of limits) {
    for (const v of col(name)) assert.ok(Math.abs(v) <= lim + 1e-4, `${name} ${v}`);
  }
});

test('b-tags take only the values {0, v, 2v} of their jet, all three occurring', () => {
  const vs = [1.087, 1.107, 1.274, 1.551];
  for (let j = 0; j < 4; j++) {
    const seen = new Map<number, number>();
    for (const v of col(`jet${j + 1}_btag`)) {
      const level = Math.round(v / vs[j]);
      assert.ok(level >= 0 && level <= 2 && Math.abs(v - level * vs[j]) < 1e-5, `jet${j + 1}_btag ${v}`);
      seen.set(level, (seen.get(level) ?? 0) + 1);
    }
    assert.equal(seen.size, 3, `jet${j + 1}: levels seen ${[...seen.keys()]}`);
  }
});

test('pT, MET and masses are positive with means near 1', () => {
  for (const name of [
    'lepton_pT', 'missing_energy_magnitude', 'jet1_pt', 'jet2_pt', 'jet3_pt', 'jet4_pt',
    'm_jj', 'm_jjj', 'm_lv', 'm_jlv', 'm_bb', 'm_wbb', 'm_wwbb',
  ]) {
    const a = col(name);
    for (const v of a) assert.ok(v > 0 && Number.isFinite(v), `${name} ${v}`);
    // The real file's means are 0.96-1.05; a different signal fraction shifts them a little.
    const m = mean(a);
    assert.ok(m > 0.85 && m < 1.15, `${name} mean ${m}`);
  }
});

test('jets are ordered by pT (in GeV)', () => {
  const g = generateHiggsSim({ events: 2000, seed: 4, units: 'gev' });
  for (let r = 0; r < 2000; r++) {
    const o = r * 28;
    assert.ok(g.x[o + 5] >= g.x[o + 9] && g.x[o + 9] >= g.x[o + 13] && g.x[o + 13] >= g.x[o + 17], `row ${r}`);
  }
});

test('the class fraction is the requested one', () => {
  const f = mean(y);
  // Binomial: sd = sqrt(0.3 * 0.7 / 20000) = 0.0032.
  assert.ok(Math.abs(f - 0.3) < 0.015, `signal fraction ${f}`);
  for (const v of y) assert.ok(v === 0 || v === 1);
  const all = generateHiggsSim({ events: 200, signalFraction: 1, seed: 1 });
  assert.ok(all.y.every((v) => v === 1));
  const none = generateHiggsSim({ events: 200, signalFraction: 0, seed: 1 });
  assert.ok(none.y.every((v) => v === 0));
});
