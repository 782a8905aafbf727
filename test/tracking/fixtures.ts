// A run directory laid out as common.md / issue 5 describe it, written directly so the tracking
// tests do not depend on training. The content is small but shaped like the real thing.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export interface FixtureOptions {
  models?: string[];
  epochs?: number;
  status?: 'running' | 'finished' | 'failed' | 'interrupted';
  /** A spec value longer than MLflow's param limit. */
  longDescription?: number;
  id?: string;
  /** The spec's tracking block (default: one naming a server the tests never use). */
  tracking?: unknown;
}

export const EPOCH_KEYS = ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'val_auc', 'learning_rate', 'seconds', 'samples_per_s'];

export function makeRunDir(opts: FixtureOptions = {}): string {
  const models = opts.models ?? ['shallow', 'deep'];
  const epochs = opts.epochs ?? 10;
  const root = mkdtempSync(join(tmpdir(), 'exp-tracking-'));
  const id = opts.id ?? `20261203-101500-seed-${randomBytes(3).toString('hex')}`;
  const dir = join(root, id);
  mkdirSync(dir);
  const w = (rel: string, data: string | Buffer): void => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), data);
  };
  const spec = {
    name: 'seed',
    description: opts.longDescription ? 'x'.repeat(opts.longDescription) : 'Baldi et al. 2014, both models',
    seed: 42,
    backend: 'cpu',
    data: { source: 'higgs-sim', events: 20000, features: ['lepton_pT', 'lepton_eta', 'm_bb'] },
    split: { test_fraction: 0.9, validation_fraction: 0.25 },
    scaler: 'standard',
    models: Object.fromEntries(
      models.map((m) => [m, { layers: [{ units: 300, activation: 'relu' }, { units: 1, activation: 'sigmoid' }], optimizer: { name: 'nadam', learning_rate: 0.001 }, batch_size: 100, epochs }]),
    ),
    evaluation: { background_efficiencies: [0.1, 0.01, 0.001] },
    tracking: opts.tracking ?? { mlflow: { uri: 'http://should-not-be-a-param:5000' } },
    matrix: {},
  };
  w('spec.yaml', 'name: seed\n');
  w('spec.resolved.json', JSON.stringify(spec, null, 2));
  const started = '2026-12-03T10:15:00.000Z';
  w(
    'run.json',
    JSON.stringify(
      {
        id,
        name: 'seed',
        status: opts.status ?? 'finished',
        started_at: started,
        ended_at: opts.status === 'running' ? null : '2026-12-03T10:25:00.000Z',
        heartbeat_at: '2026-12-03T10:25:00.000Z',
        heartbeat_interval_s: 10,
        version: '0.1.0',
        git: { commit: 'a'.repeat(40), dirty: false },
        node: process.version,
        tfjs: '4.22.0',
        backend: { name: 'cpu', device: 'cpu' },
        host: 'testhost',
        seed: 42,
        data: { fingerprint: 'sim:abc123' },
        command: ['exp', 'run', 'experiments/seed.yaml'],
        models,
      },
      null,
      2,
    ),
  );
  w('scaler.json', JSON.stringify({ kind: 'standard', mean: [0, 1, 2], std: [1, 1, 1] }));
  const evaluations: Record<string, unknown> = {};
  models.forEach((m, mi) => {
    const lines: string[] = [];
    for (let e = 1; e <= epochs; e++) {
      lines.push(
        JSON.stringify({
          epoch: e,
          loss: 0.7 - 0.01 * e - mi * 0.001,
          accuracy: 0.6 + 0.01 * e,
          val_loss: 0.71 - 0.01 * e,
          val_accuracy: 0.59 + 0.01 * e,
          val_auc: 0.65 + 0.01 * e,
          learning_rate: 0.001,
          seconds: 2.5,
          samples_per_s: 4000 + e,
        }),
      );
    }
    w(`models/${m}/metrics.jsonl`, lines.join('\n') + '\n');
    w(`models/${m}/metrics.csv`, 'epoch,loss\n1,0.69\n');
    w(`models/${m}/summary.txt`, `${m}: dense 300 relu, dense 1 sigmoid\n`);
    w(`models/${m}/model/model.json`, JSON.stringify({ format: 'layers-model', m }));
    w(`models/${m}/model/weights.bin`, randomBytes(40_000 + mi));
    w(`models/${m}/predictions.bin`, randomBytes(8_000));
    const ev = {
      events: { test: { signal: 900, background: 1000 } },
      loss: 0.55 - mi * 0.01,
      accuracy: 0.72 + mi * 0.01,
      auc: 0.8 + mi * 0.02,
      auc_se: 0.004,
      roc: { fpr: [0, 0.5, 1], tpr: [0, 0.8, 1], corners: 3 },
      working_points: [
        { background_efficiency: 0.1, signal_efficiency: 0.45, background_events: 100 },
        { background_efficiency: 0.01, signal_efficiency: 0.1, background_events: 10 },
        { background_efficiency: 0.001, signal_efficiency: null, background_events: 1, note: 'too few' },
      ],
      overtraining: { signal: { statistic: 0.02, p_value: 0.6, n_train: 10, n_test: 20 }, background: { statistic: 0.03, p_value: 0.4, n_train: 10, n_test: 20 } },
      train: { loss: 0.5, accuracy: 0.75, auc: 0.83 },
      histograms: { edges: [0, 0.5, 1], signal: { train: [1, 2], test: [1, 2] } },
    };
    evaluations[m] = ev;
    w(`models/${m}/evaluation.json`, JSON.stringify(ev));
  });
  w('evaluation.json', JSON.stringify({ models: evaluations }));
  w('plots/roc.svg', '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
  w('plots/loss.svg', '<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>');
  w('report.html', '<!doctype html><title>seed</title>');
  return dir;
}

/** Final evaluation metrics the fixture's evaluation.json yields per model (with signal_efficiency null dropped). */
export const EVAL_METRICS_PER_MODEL = [
  'test_loss',
  'test_accuracy',
  'test_auc',
  'test_auc_se',
  'test_sig_eff_at_bkg_0.1',
  'test_sig_eff_at_bkg_0.01',
  'ks_signal_statistic',
  'ks_signal_p_value',
  'ks_background_statistic',
  'ks_background_p_value',
  'train_loss',
  'train_accuracy',
  'train_auc',
];

/** Relative path -> sha256 of every file under dir (to show a directory is untouched). */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const f = join(d, n);
      if (statSync(f).isDirectory()) walk(f);
      else out[relative(dir, f)] = createHash('sha256').update(readFileSync(f)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** All files under dir as relative paths (expected artifacts = these minus run.json and tracking.json). */
export function filesUnder(dir: string): string[] {
  return Object.keys(snapshot(dir)).sort();
}
