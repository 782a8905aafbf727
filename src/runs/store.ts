// Reading run directories back: listing, resolving a RUN reference, loading what a run holds.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import { ExpError } from '../errors.ts';
import { effectiveStatus, type EffectiveStatus, type RunRecord } from './record.ts';
import type { Evaluation } from '../evaluate/evaluate.ts';

export interface RunInfo {
  dir: string;
  id: string;
  record: RunRecord;
  status: EffectiveStatus;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** The run in `dir`, or null when it has no readable run.json. */
export function readRun(dir: string, now: number = Date.now()): RunInfo | null {
  const record = readJson<RunRecord>(join(dir, 'run.json'));
  if (!record || typeof record !== 'object' || typeof record.status !== 'string') return null;
  return { dir: resolve(dir), id: record.id ?? basename(dir), record, status: effectiveStatus(record, now) };
}

/** Every run under runsDir, oldest first (ids start with the UTC start time). */
export function listRuns(runsDir: string, now: number = Date.now()): RunInfo[] {
  let names: string[];
  try {
    names = readdirSync(runsDir);
  } catch {
    return [];
  }
  const runs: RunInfo[] = [];
  for (const n of names) {
    if (n.startsWith('.')) continue;
    const d = join(runsDir, n);
    try {
      if (!statSync(d).isDirectory()) continue;
    } catch {
      continue;
    }
    const r = readRun(d, now);
    if (r) runs.push(r);
  }
  return runs.sort((a, b) => (a.record.started_at ?? '').localeCompare(b.record.started_at ?? '') || basename(a.dir).localeCompare(basename(b.dir)));
}

/**
 * A RUN reference: `latest`, `latest~N` (N runs before the latest), a path to a run directory,
 * a full id or a unique prefix of one (also matched against the part after the timestamp).
 */
export function resolveRun(runsDir: string, ref: string, now: number = Date.now()): RunInfo {
  const m = /^latest(?:~(\d+))?$/.exec(ref);
  if (m) {
    const runs = listRuns(runsDir, now);
    const back = m[1] ? Number(m[1]) : 0;
    if (runs.length === 0) throw new ExpError('usage', { message: `no runs in ${runsDir}`, hint: 'run an experiment first, or pass --runs-dir' });
    if (back >= runs.length) throw new ExpError('usage', `${ref}: there are only ${runs.length} runs in ${runsDir}`);
    return runs[runs.length - 1 - back]!;
  }
  if ((ref.includes('/') || ref.startsWith('.')) && existsSync(join(ref, 'run.json'))) {
    const r = readRun(ref, now);
    if (r) return r;
  }
  const runs = listRuns(runsDir, now);
  const exact = runs.find((r) => basename(r.dir) === ref || r.id === ref);
  if (exact) return exact;
  const matches = runs.filter((r) => basename(r.dir).startsWith(ref) || basename(r.dir).slice(16).startsWith(ref) || r.id.endsWith(`-${ref}`));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new ExpError('usage', {
      message: `run reference "${ref}" is ambiguous: it matches ${matches.length} runs (${matches.slice(0, 5).map((r) => basename(r.dir)).join(', ')}${matches.length > 5 ? ', ...' : ''})`,
      hint: 'give more characters of the id',
    });
  }
  if (existsSync(ref) && !existsSync(join(ref, 'run.json'))) {
    throw new ExpError('usage', { message: `${ref} is not a run directory (no run.json)` });
  }
  throw new ExpError('usage', { message: `no run matches "${ref}" in ${runsDir}`, hint: 'see `exp runs`; RUN is an id, a unique prefix, a path, latest or latest~N' });
}

/** Per-model evaluations of a run: the run's evaluation.json, else each model's own file. */
export function readEvaluations(run: RunInfo): Record<string, Evaluation> {
  const all = readJson<{ models?: Record<string, Evaluation> }>(join(run.dir, 'evaluation.json'));
  const out: Record<string, Evaluation> = { ...(all?.models ?? {}) };
  for (const m of modelNames(run)) {
    if (out[m]) continue;
    const e = readJson<Evaluation>(join(run.dir, 'models', m, 'evaluation.json'));
    if (e) out[m] = e;
  }
  return out;
}

/** Model names from run.json, plus any model directories present. */
export function modelNames(run: RunInfo): string[] {
  const names = [...(Array.isArray(run.record.models) ? run.record.models : [])];
  try {
    for (const d of readdirSync(join(run.dir, 'models'))) if (!names.includes(d) && statSync(join(run.dir, 'models', d)).isDirectory()) names.push(d);
  } catch {
    // no models/ yet
  }
  return names;
}

export function readMetrics(run: RunInfo, model: string): Record<string, number>[] {
  try {
    return readFileSync(join(run.dir, 'models', model, 'metrics.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim().length > 0)
      .map((l) => JSON.parse(l) as Record<string, number>);
  } catch {
    return [];
  }
}

export function readResolvedSpec(run: RunInfo): unknown {
  return readJson<unknown>(join(run.dir, 'spec.resolved.json'));
}

export function readSpecText(run: RunInfo): string | null {
  try {
    return readFileSync(join(run.dir, 'spec.yaml'), 'utf8');
  } catch {
    return null;
  }
}
