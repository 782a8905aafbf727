// Orchestrates one `exp run`: spec -> data -> model -> train -> evaluate -> runs -> tracking.
// Each matrix variant becomes its own run directory. Data problems surface before a run
// directory exists (like an invalid spec, they leave nothing behind); once it exists, a failure
// or Ctrl-C marks it failed or interrupted and keeps everything finished so far.
import { ExpError, type Problem } from '../errors.ts';
import type { Evaluation } from '../evaluate/index.ts';
import { createRun, type RunHandle } from '../runs/run.ts';
import { writeRunReport } from '../runs/report.ts';
import type { LoadedSpec, ResolvedSpec } from '../spec/index.ts';
import { modelInputs } from '../spec/features.ts';
import { resolveTrackingConfig, trackRunSafely } from '../tracking/index.ts';
import { selectBackend, type BackendChoice, type BackendInfo } from '../train/backend.ts';
import { guardInterrupts } from './interrupt.ts';
import { prepareData } from './prepare-data.ts';
import { trainModel } from './train-model.ts';

export interface RunOptions {
  /** Where run directories are created (--runs-dir, EXP_RUNS_DIR, default ./runs). */
  runsDir: string;
  /** --backend from the command line; overrides the spec's backend. */
  backend?: BackendChoice;
  /** The command line as typed, recorded in run.json. */
  argv: string[];
  /** Progress and summary lines (default: stderr). */
  log?: (msg: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface RunOutcome {
  runDir: string;
  status: 'finished' | 'failed' | 'interrupted';
  evaluations: Record<string, Evaluation>;
}

export async function runExperiment(loaded: LoadedSpec, opts: RunOptions): Promise<RunOutcome[]> {
  const log = opts.log ?? ((msg: string) => process.stderr.write(msg + '\n'));
  const outcomes: RunOutcome[] = [];
  for (const spec of loaded.variants) {
    const outcome = await runVariant(loaded, spec, opts, log);
    outcomes.push(outcome);
    if (outcome.status !== 'finished') break;
  }
  return outcomes;
}

async function runVariant(loaded: LoadedSpec, spec: ResolvedSpec, opts: RunOptions, log: (msg: string) => void): Promise<RunOutcome> {
  const inputs = located(loaded, () => {
    const r = modelInputs(spec);
    if (r.problems.length > 0) throw new ExpError('spec', r.problems);
    return r.inputs;
  });
  // a tracking setup that cannot work (a file: URI, a user without a password) is a spec error now, not after training
  const tracking = located(loaded, () => resolveTrackingConfig(spec.tracking, opts.env ?? process.env));
  const data = await locatedAsync(loaded, () => prepareData(spec, loaded.dir, log));
  const backend = await selectBackend(opts.backend ?? spec.backend, log);
  log(`backend: ${backend.name} (${backend.device})`);
  const inputsOf = (model: string): string[] => inputs?.[model] ?? data.columns;

  const run = createRun({
    runsDir: opts.runsDir,
    name: spec.name,
    specText: loaded.text,
    resolvedSpec: spec,
    meta: {
      seed: spec.seed,
      data: { fingerprint: data.fingerprint },
      backend: backendRecord(backend),
      command: ['exp', ...opts.argv],
      models: Object.keys(spec.models),
      heartbeatSeconds: heartbeatSeconds(opts.env ?? process.env),
      extra: { rows: { train: data.train.rows, validation: data.validation?.rows ?? 0, test: data.test.rows, dropped: data.dropped } },
    },
  });
  log(`run: ${run.dir}`);
  run.writeJson('scaler.json', { ...data.scaler.toJSON(), columns: data.columns });

  const guard = guardInterrupts(log, () => finishQuietly(run, 'interrupted'));
  const evaluations: Record<string, Evaluation> = {};
  let status: RunOutcome['status'] = 'finished';
  try {
    for (const [name, model] of Object.entries(spec.models)) {
      const out = await trainModel({ name, model, spec, inputs: inputsOf(name), data, run, signal: guard.signal, log });
      if (out.evaluation) evaluations[name] = out.evaluation;
      if (out.fit.interrupted || guard.signal.aborted) {
        status = 'interrupted';
        break;
      }
    }
    // finish first, so the report is drawn once, with the final status
    run.finish(status);
    writeRunReport(run.dir);
  } catch (e) {
    status = guard.signal.aborted ? 'interrupted' : 'failed';
    finishQuietly(run, status, e);
    throw e;
  } finally {
    guard.release();
  }
  // an interrupted run is reported once, by the CLI, with its exit code
  if (status === 'finished') log(`run finished: ${run.dir}`);

  if (tracking) {
    const t = await trackRunSafely(run.dir, tracking);
    log(t.ok ? `tracking: logged to ${tracking.uri}` : `tracking failed (the run is safe; upload it later with \`exp sync ${run.id}\`): ${t.error}`);
  }
  return { runDir: run.dir, status, evaluations };
}

/** EXP_HEARTBEAT_SECONDS shortens the heartbeat (a run is shown dead after 3 missed beats). */
function heartbeatSeconds(env: NodeJS.ProcessEnv): number | undefined {
  const v = Number(env.EXP_HEARTBEAT_SECONDS);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

function backendRecord(b: BackendInfo): { name: string; device: string; packages: Record<string, string> } {
  return { name: b.name, device: b.device, packages: b.packages };
}

/** Marks the run, then writes what report it can; never throws (it runs on the way out). */
function finishQuietly(run: RunHandle, status: 'failed' | 'interrupted', error?: unknown): void {
  try {
    const message = error instanceof Error ? error.message : error === undefined ? undefined : String(error);
    run.finish(status, message ? { error: { message } } : {});
  } catch {
    // nothing more can be done on the way out
  }
  try {
    writeRunReport(run.dir);
  } catch {
    // the report is a convenience; run.json holds the status
  }
}

/** Adds the spec file location to problems that name a key but have no location. */
function withLocations(loaded: LoadedSpec, e: unknown): unknown {
  if (!(e instanceof ExpError)) return e;
  const problems: Problem[] = e.problems.map((p) => (p.location || !p.path ? p : { ...p, location: loaded.locate(p.path) }));
  return new ExpError(e.kind, problems);
}

function located<T>(loaded: LoadedSpec, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw withLocations(loaded, e);
  }
}

async function locatedAsync<T>(loaded: LoadedSpec, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw withLocations(loaded, e);
  }
}
