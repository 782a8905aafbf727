// `exp evaluate` and `exp predict` on a real run directory: tfjs models saved through the run
// store, the data helper's scaler, a CSV file read through loadTable. The references are
// computed here with the in-memory models and a brute-force AUC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createRun } from '../../src/runs/run.ts';
import { fitScaler } from '../../src/data/scalers/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { exp } from './cli-helpers.ts';

function pairwiseAuc(s: ArrayLike<number>, y: ArrayLike<number>): number {
  let num = 0;
  let pairs = 0;
  for (let i = 0; i < s.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < s.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      num += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return num / pairs;
}

test('exp evaluate and exp predict apply the saved models and scaler to a CSV file', async () => {
  await tf.setBackend('cpu');
  const root = mkdtempSync(join(tmpdir(), 'exp-apply-'));
  const runsDir = join(root, 'runs');
  const rng = new Rng(5);
  const rows = 400;
  const x = new Float32Array(rows * 3);
  const y = new Float32Array(rows);
  const lines = ['label,a,b,c'];
  for (let i = 0; i < rows; i++) {
    y[i] = rng.uniform() < 0.5 ? 1 : 0;
    for (let c = 0; c < 3; c++) x[i * 3 + c] = Math.fround(10 + 5 * rng.normal() + (c === 0 ? 4 * y[i]! : 0));
    lines.push([y[i], x[i * 3], x[i * 3 + 1], x[i * 3 + 2]].join(','));
  }
  const csv = join(root, 'other.csv');
  writeFileSync(csv, lines.join('\n') + '\n');

  const scaler = fitScaler('standard', x.slice(), rows, 3);
  const dense = (inputs: number) => {
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [inputs], units: 4, activation: 'tanh', kernelInitializer: 'glorotUniform' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
    return m;
  };
  const full = dense(3);
  const sub = dense(2);
  const spec = {
    seed: 1,
    data: { source: 'csv', path: 'train.csv', catalogue: 'none', features: 'all', header: true, label_column: 'label' },
    models: { full: { features: null }, sub: { features: ['a', 'c'] } },
  };
  const run = createRun({ runsDir, name: 'apply', specText: 'name: apply\n', resolvedSpec: spec, meta: { models: ['full', 'sub'] } });
  run.writeJson('scaler.json', scaler.toJSON());
  await run.saveModel('full', full);
  await run.saveModel('sub', sub);
  run.finish('finished');

  // references: scale, select columns, predict in memory
  const xs = x.slice();
  scaler.transform(xs, rows, 3);
  const pFull = (full.predict(tf.tensor2d(xs, [rows, 3])) as tf.Tensor).dataSync();
  const xSub = new Float32Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    xSub[2 * i] = xs[3 * i]!;
    xSub[2 * i + 1] = xs[3 * i + 2]!;
  }
  const pSub = (sub.predict(tf.tensor2d(xSub, [rows, 2])) as tf.Tensor).dataSync();

  const outCsv = join(root, 'scores.csv');
  const [ev, pr, missing] = await Promise.all([
    exp(['evaluate', 'latest', '--runs-dir', runsDir, '--data', csv, '--json', '--backend', 'cpu']),
    exp(['predict', 'latest', '--runs-dir', runsDir, '--data', csv, '--out', outCsv, '--backend', 'cpu']),
    exp(['evaluate', 'latest', '--runs-dir', runsDir, '--data', join(root, 'nope.csv')]),
  ]);
  assert.equal(ev.code, 0, ev.stderr);
  const e = JSON.parse(ev.stdout);
  const byName = Object.fromEntries(e.models.map((m: { model: string }) => [m.model, m]));
  assert.equal(byName.full.events, rows);
  assert.ok(Math.abs(byName.full.auc - pairwiseAuc(pFull, y)) < 1e-12);
  assert.ok(Math.abs(byName.sub.auc - pairwiseAuc(pSub, y)) < 1e-12);
  assert.ok(byName.full.auc_se > 0);

  assert.equal(pr.code, 0, pr.stderr);
  const out = readFileSync(outCsv, 'utf8').trim().split('\n');
  assert.equal(out[0], 'label,full,sub');
  assert.equal(out.length, rows + 1);
  for (let i = 0; i < rows; i++) {
    const [l, f, s] = out[i + 1]!.split(',').map(Number);
    assert.equal(l, y[i]);
    assert.ok(Math.abs(f! - pFull[i]!) < 1e-6 && Math.abs(s! - pSub[i]!) < 1e-6, `row ${i}`);
  }

  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.csv: no such file/);

  // A run trained on a headerless (UCI-layout) file, applied to a headed TSV with the label in the
  // middle: without --header the first line is refused with a hint; with it, the same scores.
  const uciRunsDir = join(root, 'runs-uci');
  const uciRun = createRun({ runsDir: uciRunsDir, name: 'uci', specText: 'name: uci\n', resolvedSpec: { seed: 1, data: { source: 'csv', path: 'train.csv', catalogue: 'none', features: 'all', header: false }, models: { full: { features: null } } }, meta: { models: ['full'] } });
  uciRun.writeJson('scaler.json', scaler.toJSON());
  await uciRun.saveModel('full', full);
  uciRun.finish('finished');
  const tsv = join(root, 'headed.tsv');
  writeFileSync(tsv, ['a\tsignal\tb\tc', ...Array.from({ length: rows }, (_, i) => [x[i * 3], y[i], x[i * 3 + 1], x[i * 3 + 2]].join('\t'))].join('\n') + '\n');
  const [refused, headed] = await Promise.all([
    exp(['evaluate', 'latest', '--runs-dir', uciRunsDir, '--data', tsv, '--backend', 'cpu']),
    exp(['evaluate', 'latest', '--runs-dir', uciRunsDir, '--data', tsv, '--header', '--label-column', 'signal', '--json', '--backend', 'cpu']),
  ]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /headed\.tsv:1:\d+: .*is not a number.*first line looks like a header/);
  assert.equal(headed.code, 0, headed.stderr);
  const h = JSON.parse(headed.stdout).models[0];
  assert.equal(h.events, rows);
  assert.ok(Math.abs(h.auc - pairwiseAuc(pFull, y)) < 1e-12);
});
