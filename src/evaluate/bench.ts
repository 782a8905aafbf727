// Evaluation timings at HIGGS scale. Not a test: prints figures.
//   node --import tsx src/evaluate/bench.ts [events, default 10000000]
import { Rng } from '../util/rng.ts';
import { rocAuc } from './auc.ts';
import { delongSe, pairedDelong } from './delong.ts';
import { evaluateScores } from './evaluate.ts';
import { bootstrapAucFromSorted } from './bootstrap.ts';
import { splitSorted } from './sorted.ts';

const n = Number(process.argv[2] ?? 10_000_000);
const rng = new Rng(1);
const a = new Float32Array(n);
const b = new Float32Array(n);
const y = new Float32Array(n);
for (let i = 0; i < n; i++) {
  y[i] = rng.uniform() < 0.53 ? 1 : 0;
  const c = rng.normal();
  a[i] = 1 / (1 + Math.exp(-(c + y[i]!)));
  b[i] = 1 / (1 + Math.exp(-(c + 0.9 * y[i]! + 0.3 * rng.normal())));
}
const time = (label: string, f: () => unknown) => {
  const t = performance.now();
  const r = f();
  process.stdout.write(`${label.padEnd(44)} ${((performance.now() - t) / 1000).toFixed(2).padStart(7)} s\n`);
  return r;
};
process.stdout.write(`${n.toLocaleString('en-US')} events, float32 scores\n`);
time('rocAuc', () => rocAuc(a, y));
time('delongSe', () => delongSe(a, y));
time('pairedDelong (two models)', () => pairedDelong(a, b, y));
const sorted = splitSorted(a, y);
time('bootstrap SE, 10 replicates', () => bootstrapAucFromSorted(sorted, 10, 1));
const trainN = Math.floor(n / 5);
time(`evaluateScores (test ${n}, train ${trainN})`, () =>
  evaluateScores({ test: { scores: a, labels: y }, train: { scores: b.subarray(0, trainN), labels: y.subarray(0, trainN) }, options: { yields: { signal: 100, background: 1e5 } } }),
);
process.stdout.write(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
