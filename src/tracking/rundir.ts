// Reads what a run directory holds into the shapes MLflow wants (metrics with steps and
// timestamps, the file list for artifacts). No network here, so it is tested on its own.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ExpError } from '../errors.ts';
import { readJsonIfExists } from './atomic.ts';
import { type Metric, legalKey } from './limits.ts';

export interface RunJson {
  id: string;
  name?: string;
  status?: string;
  started_at?: string;
  ended_at?: string;
  version?: string;
  git?: { commit?: string; dirty?: boolean } | null;
  host?: string;
  user?: string;
  seed?: number;
  backend?: { name?: string; device?: string };
  data?: { fingerprint?: unknown } | null;
  command?: string | string[];
  models?: string[];
  error?: { message?: string };
  tracking?: unknown;
  [k: string]: unknown;
}

export async function readRunJson(runDir: string): Promise<RunJson> {
  let run: RunJson | undefined;
  try {
    run = await readJsonIfExists<RunJson>(join(runDir, 'run.json'));
  } catch (e) {
    throw new ExpError('run', { message: `${join(runDir, 'run.json')}: unreadable: ${(e as Error).message}` });
  }
  if (!run || typeof run.id !== 'string') {
    throw new ExpError('usage', {
      message: `${runDir} is not a run directory (no run.json with an id)`,
      hint: 'give a run directory under runs/, or a run id',
    });
  }
  return run;
}

export function toMs(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/** Model names: run.json's list, plus any models/<name>/ directory. */
export async function modelNames(runDir: string, run: RunJson): Promise<string[]> {
  const names = new Set<string>(Array.isArray(run.models) ? run.models : []);
  try {
    for (const d of await readdir(join(runDir, 'models'), { withFileTypes: true })) if (d.isDirectory()) names.add(d.name);
  } catch {
    /* no models/ yet (a run that failed early) */
  }
  return [...names].sort();
}

export interface EpochMetrics {
  epoch: number;
  metrics: Metric[];
}

/**
 * Every per-epoch metric of one model, grouped by epoch (so that an epoch is never split
 * between two requests and "epoch N done" stays true). Key `<model>.<field>`, step = epoch.
 * The timestamp is the record's own (`timestamp`/`time`) when it has one, else the run start
 * plus the cumulative epoch seconds: deterministic, so a resent metric is identical (MLflow's
 * SQL store ignores exact duplicates).
 */
export async function readEpochMetrics(runDir: string, model: string, startMs: number, warnings: string[]): Promise<EpochMetrics[]> {
  const file = join(runDir, 'models', model, 'metrics.jsonl');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: EpochMetrics[] = [];
  let clock = startMs;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      warnings.push(`${file}:${i + 1}: not JSON, skipped (a line cut short by a crash?)`);
      return;
    }
    const epoch = rec.epoch;
    if (typeof epoch !== 'number' || !Number.isInteger(epoch)) {
      warnings.push(`${file}:${i + 1}: no integer epoch, skipped`);
      return;
    }
    if (typeof rec.seconds === 'number' && Number.isFinite(rec.seconds)) clock += Math.round(rec.seconds * 1000);
    const own = typeof rec.timestamp === 'number' ? rec.timestamp : typeof rec.time === 'string' ? toMs(rec.time) : typeof rec.timestamp === 'string' ? toMs(rec.timestamp) : undefined;
    const timestamp = Math.round(own ?? clock);
    const metrics: Metric[] = [];
    for (const [k, v] of Object.entries(rec)) {
      if (k === 'epoch' || k === 'timestamp' || k === 'time') continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      metrics.push({ key: legalKey(`${model}.${k}`), value: v, timestamp, step: epoch });
    }
    out.push({ epoch, metrics });
  });
  return out;
}

/**
 * The final evaluation of one model as metrics: models/<model>/evaluation.json, else the model's
 * entry in the run's evaluation.json ({models: {<model>: ...}}). The scalars of src/evaluate's
 * Evaluation get readable names (`<model>.test_auc`, `<model>.test_sig_eff_at_bkg_0.01`,
 * `<model>.ks_signal_p_value`, ...); any other top-level number becomes `<model>.test_<key>`.
 * Curves and histograms are arrays, not metrics: they reach MLflow as artifacts.
 */
export async function readEvaluationMetrics(
  runDir: string,
  model: string,
  step: number,
  timestamp: number,
): Promise<Metric[]> {
  let ev = await readJsonIfExists<Record<string, unknown>>(join(runDir, 'models', model, 'evaluation.json'));
  if (!ev) {
    const all = await readJsonIfExists<Record<string, unknown>>(join(runDir, 'evaluation.json'));
    const byModel = (all?.models ?? all) as Record<string, unknown> | undefined;
    const entry = byModel?.[model];
    if (isObject(entry)) ev = entry;
  }
  if (!ev) return [];
  const values = new Map<string, number>();
  const put = (name: string, v: unknown): void => {
    if (typeof v === 'number' && Number.isFinite(v)) values.set(name, v);
  };
  const STRUCTURED = new Set(['train', 'auc_bootstrap', 'working_points', 'overtraining', 'significance', 'events', 'roc', 'histograms']);
  for (const [k, v] of Object.entries(ev)) if (!STRUCTURED.has(k)) put(k.startsWith('test') ? k : `test_${k}`, v);
  if (isObject(ev.auc_bootstrap)) put('test_auc_bootstrap_se', ev.auc_bootstrap.se);
  if (isObject(ev.train)) for (const k of ['loss', 'accuracy', 'auc']) put(`train_${k}`, ev.train[k]);
  if (Array.isArray(ev.working_points)) {
    for (const wp of ev.working_points) {
      if (isObject(wp) && typeof wp.background_efficiency === 'number') put(`test_sig_eff_at_bkg_${wp.background_efficiency}`, wp.signal_efficiency);
    }
  }
  if (isObject(ev.overtraining)) {
    for (const cls of ['signal', 'background']) {
      const ks = ev.overtraining[cls];
      if (isObject(ks)) {
        put(`ks_${cls}_statistic`, ks.statistic);
        put(`ks_${cls}_p_value`, ks.p_value);
      }
    }
  }
  if (isObject(ev.significance)) {
    put('significance_z', ev.significance.z);
    put('significance_threshold', ev.significance.threshold);
  }
  return [...values].map(([name, value]) => ({ key: legalKey(`${model}.${name}`), value, timestamp, step }));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const NOT_ARTIFACTS = new Set(['run.json', 'tracking.json']);

/**
 * The run directory's files to upload, as `/`-separated relative paths, sorted. run.json and
 * tracking.json are left out: they change with every sync (their content is in the tags).
 * Temp and hidden files (atomic writes in progress) are left out too.
 */
export async function artifactFiles(runDir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      if (d.name.startsWith('.') || d.name.endsWith('.tmp')) continue;
      const full = join(dir, d.name);
      if (d.isDirectory()) await walk(full);
      else if (d.isFile()) {
        const rel = relative(runDir, full).split(sep).join('/');
        if (!NOT_ARTIFACTS.has(rel)) out.push(rel);
      }
    }
  };
  await walk(runDir);
  return out.sort();
}

export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), size };
}
