// DeLong, paired DeLong, KS, ROC, working points and Asimov against brute-force or hand
// computations written independently here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.ts';
import { delongSe, pairedDelong } from '../../src/evaluate/delong.ts';
import { kolmogorovProb, ksTestSorted } from '../../src/evaluate/ks.ts';
import { rocCurve, thinRoc } from '../../src/evaluate/roc.ts';
import { splitSorted } from '../../src/evaluate/sorted.ts';
import { signalEfficiencyAt } from '../../src/evaluate/efficiency.ts';
import { asimovZ, bestAsimovCut } from '../../src/evaluate/significance.ts';
import { bootstrapAucFromSorted } from '../../src/evaluate/bootstrap.ts';
import { binaryCrossEntropy, accuracyAtHalf } from '../../src/evaluate/loss.ts';
import { evaluateScores } from '../../src/evaluate/evaluate.ts';
import { twoSidedP } from '../../src/evaluate/normal.ts';

function psi(x: number, y: number) {
  return x > y ? 1 : x === y ? 0.5 : 0;
}

/** DeLong 1988 structural components by direct O(m n) double loops. */
function bruteComponents(s: ArrayLike<number>, y: ArrayLike<number>) {
  const X: number[] = [];
  const Y: number[] = [];
  for (let i = 0; i < s.length; i++) (y[i] === 1 ? X : Y).push(s[i]!);
  const v10 = X.map((x) => Y.reduce((a, yy) => a + psi(x, yy), 0) / Y.length);
  const v01 = Y.map((yy) => X.reduce((a, x) => a + psi(x, yy), 0) / X.length);
  return { v10, v01, m: X.length, n: Y.length };
}
const avg = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length;
const covar = (a: number[], b: number[]) => {
  const ma = avg(a);
  const mb = avg(b);
  return a.reduce((p, _, i) => p + (a[i]! - ma) * (b[i]! - mb), 0) / (a.length - 1);
};

function fixedScores(seed: number, n: number, levels: number) {
  const rng = new Rng(seed);
  const y = new Float32Array(n);
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.uniform() < 0.45 ? 1 : 0;
    const common = rng.normal();
    a[i] = Math.round((common + 0.8 * y[i]! + 0.5 * rng.normal()) * levels) / levels;
    b[i] = Math.round((common + 0.6 * y[i]! + 0.7 * rng.normal()) * levels) / levels;
  }
  return { y, a, b };
}

test('DeLong SE equals the brute-force structural-components computation (with ties)', () => {
  for (const levels of [2, 50, 1e6]) {
    const { y, a } = fixedScores(11, 700, levels);
    const c = bruteComponents(a, y);
    const ref = Math.sqrt(covar(c.v10, c.v10) / c.m + covar(c.v01, c.v01) / c.n);
    const got = delongSe(a, y);
    assert.ok(Math.abs(got.auc - avg(c.v10)) < 1e-12);
    assert.ok(Math.abs(got.se - ref) < 1e-12, `levels ${levels}: ${got.se} vs ${ref}`);
  }
});

test('paired DeLong equals the brute-force covariance computation', () => {
  const { y, a, b } = fixedScores(5, 600, 20);
  const A = bruteComponents(a, y);
  const B = bruteComponents(b, y);
  const varA = covar(A.v10, A.v10) / A.m + covar(A.v01, A.v01) / A.n;
  const varB = covar(B.v10, B.v10) / B.m + covar(B.v01, B.v01) / B.n;
  const cv = covar(A.v10, B.v10) / A.m + covar(A.v01, B.v01) / A.n;
  const se = Math.sqrt(varA + varB - 2 * cv);
  const z = (avg(A.v10) - avg(B.v10)) / se;
  const r = pairedDelong(a, b, y);
  assert.ok(Math.abs(r.se - se) < 1e-12);
  assert.ok(Math.abs(r.z - z) < 1e-9);
  assert.ok(Math.abs(r.seA - Math.sqrt(varA)) < 1e-12);
  // correlated models: the paired SE is below the independent combination
  assert.ok(r.se < Math.hypot(r.seA, r.seB));
  // A model against itself: no difference, p = 1
  const same = pairedDelong(a, a, y);
  assert.equal(same.diff, 0);
  assert.equal(same.pValue, 1);
});

test('two-sided normal p-values', () => {
  assert.ok(Math.abs(twoSidedP(1.959963985) - 0.05) < 1e-7);
  assert.ok(Math.abs(twoSidedP(0) - 1) < 1e-7);
  assert.ok(Math.abs(twoSidedP(-3) - 0.0026997960632601866) < 1e-9);
});

test('Kolmogorov probability matches the alternating series', () => {
  const series = (z: number) => {
    let s = 0;
    for (let k = 1; k < 200; k++) s += 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * z * z);
    return s;
  };
  for (const z of [0.8, 1.0, 1.36, 1.63, 2.5]) assert.ok(Math.abs(kolmogorovProb(z) - series(z)) < 1e-6, `z=${z}`);
  // small-z branch (Jacobi-transformed series)
  for (const z of [0.3, 0.5, 0.7]) {
    let t = 0;
    for (let k = 1; k < 50; k++) t += Math.exp((-((2 * k - 1) ** 2) * Math.PI ** 2) / (8 * z * z));
    assert.ok(Math.abs(kolmogorovProb(z) - (1 - (Math.sqrt(2 * Math.PI) / z) * t)) < 1e-6, `z=${z}`);
  }
  assert.equal(kolmogorovProb(0.1), 1);
  assert.equal(kolmogorovProb(7), 0);
});

test('KS statistic equals the brute-force max CDF distance over all sample points', () => {
  const rng = new Rng(9);
  const a = Float64Array.from({ length: 300 }, () => Math.round(rng.normal() * 8) / 8);
  const b = Float64Array.from({ length: 450 }, () => Math.round((rng.normal() + 0.2) * 8) / 8);
  let ref = 0;
  for (const v of [...a, ...b]) {
    const fa = a.filter((x) => x <= v).length / a.length;
    const fb = b.filter((x) => x <= v).length / b.length;
    ref = Math.max(ref, Math.abs(fa - fb));
  }
  const r = ksTestSorted(a.slice().sort(), b.slice().sort());
  assert.ok(Math.abs(r.statistic - ref) < 1e-15);
  assert.ok(r.p_value >= 0 && r.p_value <= 1);
  // same distribution: not rejected; shifted: rejected
  const c = Float64Array.from({ length: 2000 }, () => rng.normal()).sort();
  const d = Float64Array.from({ length: 2000 }, () => rng.normal()).sort();
  const e = Float64Array.from({ length: 2000 }, () => rng.normal() + 0.3).sort();
  assert.ok(ksTestSorted(c, d).p_value > 0.001);
  assert.ok(ksTestSorted(c, e).p_value < 1e-6);
});

test('ROC corners: monotone, endpoints, trapezoid area = AUC; thinning keeps endpoints and order', () => {
  const { y, a } = fixedScores(21, 20000, 1e5);
  const curve = rocCurve(splitSorted(a, y));
  assert.equal(curve.fpr[0], 0);
  assert.equal(curve.tpr[0], 0);
  assert.equal(curve.fpr[curve.fpr.length - 1], 1);
  assert.equal(curve.tpr[curve.tpr.length - 1], 1);
  let area = 0;
  for (let k = 1; k < curve.fpr.length; k++) area += ((curve.fpr[k]! - curve.fpr[k - 1]!) * (curve.tpr[k]! + curve.tpr[k - 1]!)) / 2;
  assert.ok(Math.abs(area - delongSe(a, y).auc) < 1e-12);
  assert.ok(curve.fpr.length > 1000);
  for (const max of [1000, 50, 2]) {
    const t = thinRoc(curve, max);
    assert.ok(t.fpr.length <= max && t.fpr.length >= Math.min(max, 2));
    assert.equal(t.fpr[0], 0);
    assert.equal(t.thresholds[0], null);
    assert.equal(t.fpr.at(-1), 1);
    assert.equal(t.tpr.at(-1), 1);
    for (let k = 1; k < t.fpr.length; k++) {
      assert.ok(t.fpr[k]! >= t.fpr[k - 1]! && t.tpr[k]! >= t.tpr[k - 1]!);
      assert.ok(t.thresholds[k]! <= (t.thresholds[k - 1] ?? Infinity));
    }
  }
  // shape preserved: the thinned curve's area is the full AUC to 1e-3
  const t1000 = thinRoc(curve, 1000);
  let thinArea = 0;
  for (let k = 1; k < t1000.fpr.length; k++) thinArea += ((t1000.fpr[k]! - t1000.fpr[k - 1]!) * (t1000.tpr[k]! + t1000.tpr[k - 1]!)) / 2;
  assert.ok(Math.abs(thinArea - area) < 1e-3, `${thinArea} vs ${area}`);
  // the thinned curve keeps the low-fpr region: points below fpr 1e-3 survive
  const t = thinRoc(curve, 200);
  assert.ok(t.fpr.filter((f) => f > 0 && f < 1e-3).length >= 5);
  // an already small curve is returned unchanged
  const small = rocCurve(splitSorted([0.9, 0.1, 0.5], [1, 0, 1]));
  assert.deepEqual(thinRoc(small, 1000).fpr, Array.from(small.fpr));
});

test('ROC of a hand example: corners and thresholds', () => {
  // sorted desc: .9(s) .8(b) .8(s) .4(b) .2(s); threshold .8 passes one b and two s
  const c = rocCurve(splitSorted([0.9, 0.8, 0.8, 0.4, 0.2], [1, 0, 1, 0, 1]));
  assert.deepEqual(Array.from(c.thresholds), [Infinity, 0.9, 0.8, 0.4, 0.2]);
  assert.deepEqual(Array.from(c.fp), [0, 0, 1, 2, 2]);
  assert.deepEqual(Array.from(c.tp), [0, 1, 2, 2, 3]);
});

test('working points interpolate and flag too few background events', () => {
  // 10 background at 0.05..0.95, 10 signal at 0.5..0.95 -> corners are exact
  const s: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < 10; i++) { s.push(0.05 + i * 0.1); y.push(0); s.push(0.51 + i * 0.05); y.push(1); }
  const c = rocCurve(splitSorted(s, y));
  // descending: .96s .95b .91s .86s .85b .81s .76s .75b ... -> corners (0,0) (0,.1) (.1,.1) (.1,.3) (.2,.3) (.2,.5) ...
  // fpr .15 lies on the flat segment (.1,.3)-(.2,.3); fpr .2 exactly reaches the top of its vertical run, .5
  const wp = signalEfficiencyAt(c, 0.15);
  assert.ok(Math.abs(wp.signal_efficiency! - 0.3) < 1e-12, String(wp.signal_efficiency));
  assert.ok(Math.abs(signalEfficiencyAt(c, 0.2).signal_efficiency! - 0.5) < 1e-12);
  // fpr .35: between (.3,.7) and (.4,.7)?  no: .65b then .66s,.61s: corners (.3,.7) (.4,.7) -> .7
  assert.ok(Math.abs(signalEfficiencyAt(c, 0.35).signal_efficiency! - 0.7) < 1e-12);
  assert.ok(wp.note?.includes('only about'));
  const none = signalEfficiencyAt(c, 0.01);
  assert.equal(none.signal_efficiency, null);
  assert.match(none.note!, /too few background events/);
});

test('Asimov Z: formula, small-s/b limit s/sqrt(b), best cut respects minimum background', () => {
  assert.ok(Math.abs(asimovZ(10, 100) - Math.sqrt(2 * (110 * Math.log(1.1) - 10))) < 1e-12);
  assert.ok(Math.abs(asimovZ(1e-3, 1e4) - 1e-3 / 100) < 1e-12);
  const { y, a } = fixedScores(2, 5000, 1e6);
  const c = rocCurve(splitSorted(a, y));
  const best = bestAsimovCut(c, 50, 10000, 10)!;
  // brute force over corners
  let ref = 0;
  for (let k = 1; k < c.fpr.length; k++) if (c.fp[k]! >= 10) ref = Math.max(ref, asimovZ(50 * c.tpr[k]!, 10000 * c.fpr[k]!));
  assert.equal(best.z, ref);
  assert.ok(best.b >= 10000 * (10 / c.nNeg) - 1e-9);
});

test('bootstrap SE is seeded and close to DeLong', () => {
  const { y, a } = fixedScores(4, 4000, 1e6);
  const sorted = splitSorted(a, y);
  const r1 = bootstrapAucFromSorted(sorted, 300, 42);
  const r2 = bootstrapAucFromSorted(sorted, 300, 42);
  assert.deepEqual(r1, r2);
  const d = delongSe(a, y).se;
  assert.ok(Math.abs(r1.se / d - 1) < 0.25, `${r1.se} vs ${d}`);
  assert.ok(r1.ci95[0] < r1.ci95[1]);
});

test('loss and accuracy by hand; evaluateScores is JSON-serialisable and complete', () => {
  assert.ok(Math.abs(binaryCrossEntropy([0.9, 0.2], [1, 0]) - -(Math.log(0.9) + Math.log(0.8)) / 2) < 1e-12);
  assert.ok(Number.isFinite(binaryCrossEntropy([0, 1], [1, 0])));
  assert.equal(accuracyAtHalf([0.9, 0.5, 0.4, 0.6], [1, 1, 0, 0]), 0.5);
  const { y, a } = fixedScores(8, 3000, 1e6);
  const sig = Float32Array.from(a, (v) => 1 / (1 + Math.exp(-v)));
  const ev = evaluateScores({
    test: { scores: sig.subarray(0, 2000), labels: y.subarray(0, 2000) },
    train: { scores: sig.subarray(2000), labels: y.subarray(2000) },
    options: { yields: { signal: 100, background: 5000 }, aucSe: 'both', bootstrap: { replicates: 20 } },
  });
  const back = JSON.parse(JSON.stringify(ev));
  assert.deepEqual(back, ev);
  assert.ok(ev.auc_se! > 0 && ev.auc_bootstrap!.se > 0);
  assert.equal(ev.working_points.length, 3);
  assert.ok(ev.overtraining!.signal.p_value > 0.001);
  assert.equal(ev.histograms.edges.length, 41);
  assert.equal(ev.histograms.test.signal.reduce((p, q) => p + q, 0), ev.events.test.signal);
  assert.ok('z' in ev.significance!);
});

test('radix argsort orders float32 scores like a numeric sort (negatives, -0, infinities, ties)', async () => {
  const { argsort } = await import('../../src/evaluate/argsort.ts');
  const rng = new Rng(12);
  const s = Float32Array.from({ length: 5000 }, (_, i) => (i % 50 === 0 ? -0 : i % 77 === 0 ? 0 : i % 500 === 1 ? -Infinity : i % 500 === 2 ? Infinity : Math.round(rng.normal() * 1e3) / 10 * (i % 3 ? 1 : 1e-30)));
  const { order } = argsort(s);
  const values = Array.from(order, (i) => s[i]!);
  const expected = Array.from(s).sort((a, b) => a - b);
  assert.deepEqual(values.map((v) => (v === 0 ? 0 : v)), expected.map((v) => (v === 0 ? 0 : v)));
  assert.equal(new Set(order).size, s.length);
  // the double-precision path agrees with the float32 path on the same values
  const { y, a, b } = fixedScores(31, 800, 10);
  const f32 = pairedDelong(a, b, y);
  const f64 = pairedDelong(Array.from(a), Array.from(b), Array.from(y));
  assert.ok(Math.abs(f32.z - f64.z) < 1e-9 && Math.abs(f32.se - f64.se) < 1e-15);
});
