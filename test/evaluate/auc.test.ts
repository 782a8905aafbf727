import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rocAuc } from '../../src/evaluate/auc.ts';
import { Rng } from '../../src/util/rng.ts';

// Independent reference: brute-force Mann-Whitney over all (signal, background) pairs, a tie
// counting 1/2. This is what roc_auc_score's trapezoid with tied scores as one step equals.
function pairwiseAuc(s: ArrayLike<number>, y: ArrayLike<number>): number {
  let num = 0;
  let pairs = 0;
  for (let i = 0; i < s.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < s.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      if (s[i]! > s[j]!) num += 1;
      else if (s[i] === s[j]) num += 0.5;
    }
  }
  return num / pairs;
}

test('hand-computed AUC with ties', () => {
  // signal 0.8, 0.4, 0.4; background 0.4, 0.1.
  // pairs: (0.8>0.4)=1, (0.8>0.1)=1, (0.4=0.4)=.5 twice, (0.4>0.1)=1 twice -> 5/6
  const s = [0.8, 0.4, 0.4, 0.4, 0.1];
  const y = [1, 1, 1, 0, 0];
  assert.equal(rocAuc(s, y), 5 / 6);
  // sklearn: roc_auc_score([0,0,1,1],[0.1,0.4,0.35,0.8]) == 0.75
  assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  // all scores equal -> 0.5
  assert.equal(rocAuc([0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1]), 0.5);
  // perfectly inverted
  assert.equal(rocAuc([0.9, 0.8, 0.1, 0.2], [0, 0, 1, 1]), 0);
});

test('AUC on heavily tied fixed scores equals the pairwise reference', () => {
  const rng = new Rng(7);
  for (const levels of [3, 10, 1000]) {
    const n = 1500;
    const s = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rng.uniform() < 0.4 ? 1 : 0;
      // discrete scores so that many ties cross the classes; shifted for signal
      s[i] = Math.floor((rng.uniform() * 0.7 + 0.3 * y[i]!) * levels) / levels;
    }
    const ref = pairwiseAuc(s, y);
    assert.ok(Math.abs(rocAuc(s, y) - ref) < 1e-12, `levels=${levels}: ${rocAuc(s, y)} vs ${ref}`);
    // plain arrays of doubles agree too
    assert.ok(Math.abs(rocAuc(Array.from(s), Array.from(y)) - ref) < 1e-12);
  }
});

test('AUC rejects one-class input, bad labels and NaN', () => {
  assert.throws(() => rocAuc([0.1, 0.2], [1, 1]), /both classes/);
  assert.throws(() => rocAuc([0.1, 0.2], [1, 2]), /labels must be 0/);
  assert.throws(() => rocAuc([0.1, NaN], [1, 0]), /NaN/);
  assert.throws(() => rocAuc([0.1], [1, 0]), /differ in length/);
});

test('AUC handles a million scores quickly enough to run on 10M', () => {
  const n = 1_000_000;
  const rng = new Rng(3);
  const s = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i & 1;
    s[i] = rng.uniform() + 0.2 * y[i]!;
  }
  // Analytic AUC of U(0,1)+0.2 vs U(0,1): 1 - 0.8^2/2 = 0.68
  assert.ok(Math.abs(rocAuc(s, y) - 0.68) < 0.003);
});
