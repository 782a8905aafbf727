// Fabricated run directories for tests: what a finished `exp run` leaves, written by hand here.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateScores } from '../../src/evaluate/evaluate.ts';
import { writePredictionsFile } from '../../src/runs/predictions.ts';
import { Rng } from '../../src/util/rng.ts';

export interface FakeRunOpts {
  id: string;
  name?: string;
  status?: string;
  startedAt: string;
  heartbeatAt?: string;
  spec?: unknown;
  models?: Record<string, { shift: number; seed: number }>;
  testFingerprint?: string | null;
  n?: number;
}

export function scored(n: number, shift: number, seed: number, labelSeed = 99) {
  const ly = new Rng(labelSeed);
  const r = new Rng(seed);
  const labels = new Float32Array(n);
  const scores = new Float32Array(n);
  const common = new Rng(labelSeed + 1);
  for (let i = 0; i < n; i++) {
    labels[i] = ly.uniform() < 0.5 ? 1 : 0;
    const x = common.normal() + shift * labels[i]! + 0.3 * r.normal();
    scores[i] = 1 / (1 + Math.exp(-x));
  }
  return { scores, labels };
}

export function fakeRun(runsDir: string, o: FakeRunOpts): string {
  const dir = join(runsDir, o.id);
  mkdirSync(join(dir, 'models'), { recursive: true });
  const models = o.models ?? {};
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({
      id: o.id,
      name: o.name ?? 'demo',
      status: o.status ?? 'finished',
      started_at: o.startedAt,
      ended_at: o.status === 'running' ? null : o.startedAt,
      heartbeat_at: o.heartbeatAt ?? o.startedAt,
      heartbeat_interval_s: 10,
      version: '0.1.0',
      git: null,
      node: process.version,
      tfjs: '4.22.0',
      backend: { name: 'cpu' },
      host: 'test',
      seed: 1,
      data: { fingerprint: { sha256: 'abc' } },
      command: ['exp', 'run', 'x.yaml'],
      models: Object.keys(models),
    }),
  );
  writeFileSync(join(dir, 'spec.resolved.json'), JSON.stringify(o.spec ?? { name: o.name ?? 'demo' }));
  writeFileSync(join(dir, 'spec.yaml'), `name: ${o.name ?? 'demo'}\n`);
  const evals: Record<string, unknown> = {};
  for (const [m, { shift, seed }] of Object.entries(models)) {
    const md = join(dir, 'models', m);
    mkdirSync(md, { recursive: true });
    const t = scored(o.n ?? 2000, shift, seed);
    const tr = scored(o.n ?? 2000, shift, seed + 1000, 7);
    const ev = evaluateScores({ test: t, train: tr });
    evals[m] = ev;
    writeFileSync(join(md, 'evaluation.json'), JSON.stringify(ev));
    writePredictionsFile(join(md, 'predictions.bin'), t.scores, t.labels, { model: m, test_fingerprint: o.testFingerprint === undefined ? 'fp-1' : o.testFingerprint });
    const rows = [1, 2, 3].map((e) => ({ epoch: e, loss: 0.7 - 0.05 * e - shift / 100, val_loss: 0.72 - 0.04 * e, val_auc: 0.6 + 0.05 * e, seconds: 2 }));
    writeFileSync(join(md, 'metrics.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
  writeFileSync(join(dir, 'evaluation.json'), JSON.stringify({ models: evals }));
  return dir;
}
