// Creating a run directory and writing into it while the experiment runs.
//
// runs/<YYYYMMDD-HHMMSS>-<name>-<6 hex>/ (UTC time, so ids sort chronologically everywhere).
// Every file goes through an atomic write; metrics files are rewritten whole (atomically) each
// epoch, so a reader or a crash never sees a torn line, and a failed or interrupted run keeps
// every file finished so far.
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve, isAbsolute, relative, sep } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as tfTypes from '@tensorflow/tfjs';
import { ExpError } from '../errors.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { gitInfo } from './git.ts';
import { writeRunReport } from './report.ts';
import { writePredictionsFile, readPredictionsFile, type Predictions } from './predictions.ts';
import { DEFAULT_HEARTBEAT_S, type RunRecord, type RunStatus } from './record.ts';

/** What the caller knows about the run; everything is optional and recorded in run.json. */
export interface RunMeta {
  seed?: number | null;
  data?: { fingerprint: unknown } | null;
  backend?: { name: string; device?: string } | null;
  /** The command line (defaults to process.argv). */
  command?: string[];
  /** Model names, in spec order. */
  models?: string[];
  /** tfjs version (defaults to the installed @tensorflow/tfjs). */
  tfjs?: string | null;
  /** Working directory whose git state is recorded (defaults to process.cwd()). */
  cwd?: string;
  /** Seconds between heartbeats (default 10; dead after 3 missed). */
  heartbeatSeconds?: number;
  /** Extra fields merged into run.json. */
  extra?: Record<string, unknown>;
}

export interface EpochMetrics {
  epoch: number;
  loss?: number;
  accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
  val_auc?: number;
  learning_rate?: number;
  seconds?: number;
  samples_per_s?: number;
  [key: string]: number | undefined;
}

/** CSV columns in this order; further keys (first seen) follow. */
export const METRIC_COLUMNS = ['epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'val_auc', 'learning_rate', 'seconds', 'samples_per_s'];

const require = createRequire(import.meta.url);

function readVersion(pkg: string): string | null {
  try {
    return (require(pkg) as { version: string }).version;
  } catch {
    return null;
  }
}

function projectVersion(): string {
  try {
    const p = new URL('../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** A run name made safe for a directory name: letters, digits, '.', '_' and '-'. */
export function slugName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return s.length > 0 ? s.slice(0, 60) : 'run';
}

export function makeRunId(name: string, when: Date = new Date()): string {
  return `${stamp(when)}-${slugName(name)}-${randomBytes(3).toString('hex')}`;
}

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan') : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function checkModelName(model: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(model) || model === '.' || model === '..') {
    throw new ExpError('usage', `model name "${model}" cannot be used as a directory name (letters, digits, '.', '_', '-')`);
  }
}

export class RunHandle {
  readonly dir: string;
  readonly id: string;
  private record: RunRecord;
  private timer: NodeJS.Timeout | null = null;
  private readonly epochs = new Map<string, EpochMetrics[]>();
  private closed = false;
  private readonly evaluations: Record<string, unknown> = {};

  constructor(dir: string, record: RunRecord) {
    this.dir = dir;
    this.id = record.id;
    this.record = record;
  }

  /** A copy of the current run.json contents. */
  get info(): RunRecord {
    return structuredClone(this.record);
  }

  private path(rel: string): string {
    if (isAbsolute(rel)) throw new ExpError('usage', `run files are relative to the run directory; got ${rel}`);
    const p = resolve(this.dir, rel);
    const r = relative(this.dir, p);
    if (r === '' || r.startsWith('..' + sep) || r === '..') throw new ExpError('usage', `${rel} points outside the run directory`);
    return p;
  }

  writeJson(rel: string, obj: unknown): void {
    writeFileAtomic(this.path(rel), JSON.stringify(obj, null, 2) + '\n');
  }

  writeText(rel: string, text: string): void {
    writeFileAtomic(this.path(rel), text);
  }

  writeBinary(rel: string, buf: Uint8Array | ArrayBuffer): void {
    writeFileAtomic(this.path(rel), buf instanceof Uint8Array ? buf : new Uint8Array(buf));
  }

  /** Merges fields into run.json (e.g. tracking state) and rewrites it. */
  update(fields: Partial<RunRecord>): void {
    this.record = { ...this.record, ...fields };
    this.writeRecord();
  }

  private writeRecord(): void {
    this.writeJson('run.json', this.record);
  }

  /**
   * Records one epoch of `model`: models/<model>/metrics.jsonl and metrics.csv are rewritten
   * whole and atomically (jsonl first), so both always hold the same complete epochs.
   */
  appendEpoch(model: string, metrics: EpochMetrics): void {
    checkModelName(model);
    const rows = this.epochs.get(model) ?? [];
    rows.push({ ...metrics });
    this.epochs.set(model, rows);
    const jsonl = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const cols = [...METRIC_COLUMNS];
    for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
    const csv = [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
    this.writeText(`models/${model}/metrics.jsonl`, jsonl);
    this.writeText(`models/${model}/metrics.csv`, csv);
  }

  /** Saves a tfjs LayersModel under models/<model>/<which>/ (model.json + weights.bin). */
  async saveModel(model: string, tfModel: tfTypes.LayersModel, which: 'model' | 'best' = 'model'): Promise<string> {
    checkModelName(model);
    const dir = this.path(`models/${model}/${which}`);
    const { saveLayersModel } = await import('./model-io.ts');
    await saveLayersModel(tfModel, dir);
    return dir;
  }

  /** Writes models/<model>/predictions.bin (format in predictions.ts). */
  savePredictions(model: string, scores: ArrayLike<number>, labels: ArrayLike<number>, meta: { test_fingerprint?: string | null; [k: string]: unknown } = {}): string {
    checkModelName(model);
    const p = this.path(`models/${model}/predictions.bin`);
    writePredictionsFile(p, scores, labels, { model, ...meta });
    return p;
  }

  /**
   * Writes models/<model>/evaluation.json and merges it into the run's evaluation.json
   * ({models: {<model>: Evaluation}}), both atomically.
   */
  writeEvaluation(model: string, evaluation: unknown): void {
    checkModelName(model);
    this.writeJson(`models/${model}/evaluation.json`, evaluation);
    this.evaluations[model] = evaluation;
    this.writeJson('evaluation.json', { models: this.evaluations });
  }

  /** Starts rewriting heartbeat_at every heartbeat_interval_s; the timer never keeps Node alive. */
  startHeartbeat(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.beat(), this.record.heartbeat_interval_s * 1000);
    this.timer.unref();
  }

  /** Writes a heartbeat now; call it between long synchronous steps that starve the timer. */
  beat(): void {
    if (this.closed) return;
    try {
      this.record.heartbeat_at = new Date().toISOString();
      this.writeRecord();
    } catch {
      // A missed heartbeat (e.g. disk briefly full) is not worth killing the training for.
    }
  }

  stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Marks the run finished, failed or interrupted and stops the heartbeat. `extra` is merged
   * into run.json (e.g. {error: {message}}). Files written so far stay as they are; an existing
   * report.html is regenerated so that it shows the final status.
   */
  finish(status: Exclude<RunStatus, 'running'>, extra: Partial<RunRecord> = {}): void {
    this.stopHeartbeat();
    const now = new Date().toISOString();
    this.record = { ...this.record, ...extra, status, ended_at: now, heartbeat_at: now };
    this.closed = true;
    this.writeRecord();
    // A report written before finish() shows the run as running; redraw it with the final status.
    if (existsSync(join(this.dir, 'report.html'))) {
      try {
        writeRunReport(this.dir);
      } catch {
        // the report is a convenience; run.json already holds the status
      }
    }
  }
}

export interface CreateRunArgs {
  runsDir: string;
  name: string;
  /** spec.yaml exactly as written. */
  specText: string;
  /** The resolved spec (defaults filled in), written as spec.resolved.json. */
  resolvedSpec: unknown;
  meta?: RunMeta;
}

/**
 * Makes runs/<YYYYMMDD-HHMMSS>-<name>-<6 hex>/ with spec.yaml, spec.resolved.json and run.json
 * (status running) and starts the heartbeat. Call finish() when done.
 */
export function createRun({ runsDir, name, specText, resolvedSpec, meta = {} }: CreateRunArgs): RunHandle {
  mkdirSync(runsDir, { recursive: true });
  let id = makeRunId(name);
  while (existsSync(join(runsDir, id))) id = makeRunId(name);
  const dir = resolve(runsDir, id);
  mkdirSync(dir);
  const now = new Date().toISOString();
  const record: RunRecord = {
    id,
    name,
    status: 'running',
    started_at: now,
    ended_at: null,
    heartbeat_at: now,
    heartbeat_interval_s: meta.heartbeatSeconds ?? DEFAULT_HEARTBEAT_S,
    version: projectVersion(),
    git: gitInfo(meta.cwd ?? process.cwd()),
    node: process.version,
    tfjs: meta.tfjs !== undefined ? meta.tfjs : readVersion('@tensorflow/tfjs/package.json'),
    backend: meta.backend ?? null,
    host: hostname(),
    seed: meta.seed ?? null,
    data: meta.data ?? null,
    command: meta.command ?? process.argv,
    models: meta.models ?? [],
    ...(meta.extra ?? {}),
  };
  const run = new RunHandle(dir, record);
  run.writeText('spec.yaml', specText);
  run.writeJson('spec.resolved.json', resolvedSpec);
  run.update({});
  run.startHeartbeat();
  return run;
}

export async function loadModel(dir: string): Promise<tfTypes.LayersModel> {
  const { loadLayersModel } = await import('./model-io.ts');
  return loadLayersModel(dir);
}

export function loadPredictions(pathOrRunDir: string, model?: string): Predictions {
  const p = model === undefined ? pathOrRunDir : join(pathOrRunDir, 'models', model, 'predictions.bin');
  return readPredictionsFile(p);
}
