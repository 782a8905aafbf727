// Uploads a run directory to MLflow: tags, params, per-epoch and final metrics, artifacts and
// the terminal status. Every step is recorded in tracking.json as soon as the server has
// accepted it, so a sync can stop anywhere (server down, Ctrl-C) and the next one resumes
// without sending anything twice; a finished sync leaves nothing to do for the next one.
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { ExpError, formatProblem } from '../errors.ts';
import { readJsonIfExists, writeJsonAtomic } from './atomic.ts';
import { type ClientOptions, MlflowClient, MlflowError, type MlflowRun, type MlflowRunStatus, resolveArtifactTarget } from './client.ts';
import { redactUri, secretsOf, type TrackingConfig } from './config.ts';
import { flattenForParams } from './flatten.ts';
import { withSyncLock } from './lock.ts';
import {
  type KeyValue,
  MAX_ENTITIES_PER_BATCH,
  MAX_METRICS_PER_BATCH,
  MAX_PARAM_VALUE_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  type Metric,
  keyListTag,
  legalKey,
  legalParams,
  shorten,
} from './limits.ts';
import {
  artifactFiles,
  modelNames,
  readEpochMetrics,
  readEvaluationMetrics,
  readRunJson,
  type RunJson,
  sha256File,
  toMs,
} from './rundir.ts';
import { freshState, readTrackingFile, type ServerSyncState, writeTrackingFile } from './state.ts';

/** The tag that ties an MLflow run to its local run (found by search if tracking.json is lost). */
export const LOCAL_RUN_TAG = 'exp.run_id';
export const SHORTENED_PARAMS_TAG = 'exp.params_shortened';

const STATUS_MAP: Record<string, MlflowRunStatus> = { finished: 'FINISHED', failed: 'FAILED', interrupted: 'KILLED' };

export interface SyncOptions {
  /** Progress lines (no secrets are ever passed). */
  log?: (line: string) => void;
  /** Test hooks for the client's waits. */
  client?: ClientOptions;
}

export interface SyncResult {
  /** Server URI (no credentials). */
  uri: string;
  experimentId: string;
  mlflowRunId: string;
  /** The run's page in the MLflow UI. */
  url: string;
  /** A new MLflow run was made by this sync (false: an existing one was continued). */
  created: boolean;
  /** What this sync sent (0 everywhere for a run that was already in sync). */
  sent: { params: number; metrics: number; artifacts: number; artifactBytes: number; status?: MlflowRunStatus };
  /** HTTP requests made, retries included. */
  requests: number;
  /** Things skipped that the user may want to know (unreadable lines, artifacts not proxied, ...). */
  warnings: string[];
}

export async function syncRun(runDir: string, config: TrackingConfig, opts: SyncOptions = {}): Promise<SyncResult> {
  await readRunJson(runDir); // "not a run directory" before anything is written there
  return withSyncLock(runDir, () => syncLocked(runDir, config, opts));
}

async function syncLocked(runDir: string, config: TrackingConfig, opts: SyncOptions): Promise<SyncResult> {
  const log = opts.log ?? (() => undefined);
  const warnings: string[] = [];
  const run = await readRunJson(runDir);
  let spec: Record<string, unknown> | undefined;
  try {
    spec = await readJsonIfExists<Record<string, unknown>>(join(runDir, 'spec.resolved.json'));
  } catch (e) {
    warnings.push(`spec.resolved.json unreadable, params not logged: ${(e as Error).message}`);
  }
  if (spec === undefined && warnings.length === 0) warnings.push('no spec.resolved.json: params not logged');

  const client = new MlflowClient(config, opts.client ?? {});
  const sent: SyncResult['sent'] = { params: 0, metrics: 0, artifacts: 0, artifactBytes: 0 };
  let created = false;
  try {
    const models = await modelNames(runDir, run);
    const startMs = toMs(run.started_at) ?? 0;
    const file = await readTrackingFile(runDir);
    let st: ServerSyncState | undefined = file.servers[config.uri];
    const save = async (): Promise<void> => {
      st!.updated_at = new Date().toISOString();
      file.servers[config.uri] = st!;
      await writeTrackingFile(runDir, file);
    };

    // 1. The MLflow run: the recorded one if the server still has it, else found by tag, else new.
    if (st) {
      const existing = await client.getRun(st.run_id);
      if (!existing || existing.info.lifecycle_stage === 'deleted') {
        warnings.push(`MLflow run ${st.run_id} is gone from ${config.uri}; uploading to a new run`);
        st = undefined;
      } else if (existing.info.artifact_uri && !st.artifact_uri) {
        st.artifact_uri = existing.info.artifact_uri;
      }
    }
    if (!st) {
      const experimentName = config.experiment ?? (config.experimentId ? undefined : (run.name ?? 'Default'));
      const experimentId = experimentName !== undefined ? await client.getOrCreateExperiment(experimentName) : config.experimentId!;
      const { run: found, created: made } = await client.findOrCreateRun(
        {
          experimentId,
          runName: runNameFor(run, config),
          ...(toMs(run.started_at) !== undefined ? { startTime: toMs(run.started_at)! } : {}),
          tags: runTags(run, spec, config),
        },
        LOCAL_RUN_TAG,
        run.id,
      );
      created = made;
      st = freshState(experimentId, experimentName, found.info.run_id, found.info.artifact_uri);
      // tracking.json was lost (or never written) but the server has the run: work out from the
      // run's data what is already there, so that metrics are not appended twice.
      if (!made) await recoverState(st, found, runDir, run, models, startMs, spec);
      await save();
      log(`${made ? 'created' : 'found'} MLflow run ${found.info.run_id} in experiment ${experimentId}`);
    }
    const runId = st.run_id;

    // 2. Params, with the tag naming any that had to be shortened.
    if (!st.params_done && spec !== undefined) {
      const flat = flattenForParams(spec);
      let limit = MAX_PARAM_VALUE_LENGTH;
      for (;;) {
        const { params, shortened } = legalParams(flat, limit);
        const tags: KeyValue[] = shortened.length > 0 ? [{ key: SHORTENED_PARAMS_TAG, value: keyListTag(shortened) }] : [];
        try {
          await client.logBatch(runId, { metrics: [], params, tags });
          sent.params = params.length;
          break;
        } catch (e) {
          // An older server (MLflow 1.x: 500 characters) names its own limit; shorten to it once.
          const m = e instanceof MlflowError && e.errorCode === 'INVALID_PARAMETER_VALUE' ? /length limit of (\d+)/.exec(e.serverMessage) : null;
          if (m && Number(m[1]) < limit) {
            limit = Number(m[1]);
            warnings.push(`the server limits param values to ${limit} characters`);
            continue;
          }
          throw e;
        }
      }
      st.params_done = true;
      await save();
    }

    // 3. Per-epoch metrics, whole epochs per request, recorded after each request.
    const lastEpoch: Record<string, number> = {};
    for (const model of models) {
      const epochs = await readEpochMetrics(runDir, model, startMs, warnings);
      lastEpoch[model] = epochs.reduce((m, e) => Math.max(m, e.epoch), 0);
      const done = st.metric_epochs[model] ?? 0;
      const pending = epochs.filter((e) => e.epoch > done);
      let group: Metric[] = [];
      let groupLast = done;
      const flush = async (): Promise<void> => {
        if (group.length === 0) return;
        await client.logBatch(runId, { metrics: group, params: [], tags: [] });
        sent.metrics += group.length;
        st!.metric_epochs[model] = groupLast;
        await save();
        group = [];
      };
      for (const e of pending) {
        if (group.length + e.metrics.length > Math.min(MAX_METRICS_PER_BATCH, MAX_ENTITIES_PER_BATCH)) await flush();
        group.push(...e.metrics);
        groupLast = Math.max(groupLast, e.epoch);
      }
      await flush();
      if (pending.length > 0) log(`${model}: metrics of epochs ${done + 1}..${groupLast} logged`);
    }

    // 4. Final evaluation, one request per model.
    const endMs = toMs(run.ended_at) ?? startMs;
    for (const model of models) {
      if (st.evaluation_done[model]) continue;
      const metrics = await readEvaluationMetrics(runDir, model, lastEpoch[model] ?? 0, endMs);
      if (metrics.length === 0) continue;
      await client.logBatch(runId, { metrics, params: [], tags: [] });
      sent.metrics += metrics.length;
      st.evaluation_done[model] = true;
      await save();
    }

    // 5. Artifacts through the artifact proxy; a file is sent again only if its content changed.
    if (config.artifacts) {
      if (!st.artifact_uri) {
        const r = await client.getRun(runId);
        if (r?.info.artifact_uri) {
          st.artifact_uri = r.info.artifact_uri;
          await save();
        }
      }
      if (!st.artifact_uri || !resolveArtifactTarget(st.artifact_uri, config.uri)) {
        warnings.push(
          `artifacts not uploaded: the run's artifact store (${st.artifact_uri ?? 'unknown'}) is not served by the tracking server; start it with --serve-artifacts or set tracking.mlflow.artifacts: false`,
        );
      } else {
        for (const rel of await artifactFiles(runDir)) {
          const full = join(runDir, rel);
          const { sha256, size } = await sha256File(full);
          const prev = st.artifacts[rel];
          if (prev && prev.sha256 === sha256 && prev.size === size) continue;
          await client.uploadArtifact(st.artifact_uri, rel, full);
          st.artifacts[rel] = { size, sha256 };
          sent.artifacts++;
          sent.artifactBytes += size;
          await save();
        }
        if (sent.artifacts > 0) log(`${sent.artifacts} artifacts uploaded (${sent.artifactBytes} bytes)`);
      }
    }

    // 6. The terminal status, last, so that FINISHED in MLflow means everything is there.
    const status = run.status ? STATUS_MAP[run.status] : undefined;
    if (status && st.status !== status) {
      await client.updateRun({ runId, status, ...(toMs(run.ended_at) !== undefined ? { endTime: toMs(run.ended_at)! } : {}) });
      st.status = status;
      sent.status = status;
      await save();
    }

    return {
      uri: config.uri,
      experimentId: st.experiment_id,
      mlflowRunId: runId,
      url: `${config.uri}/#/experiments/${st.experiment_id}/runs/${runId}`,
      created,
      sent,
      requests: client.requests,
      warnings,
    };
  } finally {
    await client.close();
  }
}

async function recoverState(
  st: ServerSyncState,
  found: MlflowRun,
  runDir: string,
  run: RunJson,
  models: string[],
  startMs: number,
  spec: Record<string, unknown> | undefined,
): Promise<void> {
  const latestStep = new Map<string, number>();
  for (const m of found.data.metrics ?? []) latestStep.set(m.key, Math.max(m.step, latestStep.get(m.key) ?? -Infinity));
  const ignored: string[] = [];
  for (const model of models) {
    const epochs = await readEpochMetrics(runDir, model, startMs, ignored);
    let done = 0;
    for (const e of epochs) {
      if (e.metrics.every((m) => (latestStep.get(m.key) ?? -Infinity) >= e.epoch)) done = e.epoch;
      else break;
    }
    if (done > 0) st.metric_epochs[model] = done;
    const last = epochs.reduce((m, e) => Math.max(m, e.epoch), 0);
    const ev = await readEvaluationMetrics(runDir, model, last, 0);
    if (ev.length > 0 && ev.every((m) => latestStep.has(m.key))) st.evaluation_done[model] = true;
  }
  if (spec !== undefined) {
    const logged = new Map((found.data.params ?? []).map((p) => [p.key, p.value]));
    const { params } = legalParams(flattenForParams(spec));
    if (params.every((p) => logged.get(p.key) === p.value)) st.params_done = true;
  }
  const status = run.status ? STATUS_MAP[run.status] : undefined;
  if (status && found.info.status === status) st.status = status;
}

/** tracking.mlflow.run_name, else an `mlflow.runName` spec tag, else the local run id. */
export function runNameFor(run: RunJson, config: TrackingConfig): string {
  return config.runName ?? config.tags['mlflow.runName'] ?? run.id;
}

/** Tags set when the MLflow run is created: MLflow's standard ones, exp's provenance, the spec's. */
export function runTags(run: RunJson, spec: Record<string, unknown> | undefined, config: TrackingConfig): KeyValue[] {
  const tags: Record<string, string> = {};
  tags['mlflow.source.type'] = 'LOCAL';
  tags['mlflow.source.name'] = commandLine(run.command);
  if (run.git?.commit) tags['mlflow.source.git.commit'] = run.git.commit;
  tags['mlflow.user'] = run.user ?? currentUser();
  if (typeof spec?.description === 'string' && spec.description !== '') tags['mlflow.note.content'] = spec.description;
  tags[LOCAL_RUN_TAG] = run.id;
  if (run.name) tags['exp.name'] = run.name;
  if (run.version) tags['exp.version'] = String(run.version);
  if (run.git && typeof run.git.dirty === 'boolean') tags['exp.git.dirty'] = String(run.git.dirty);
  if (run.host) tags['exp.host'] = String(run.host);
  if (run.backend?.name) tags['exp.backend'] = `${run.backend.name}${run.backend.device ? ` (${run.backend.device})` : ''}`;
  const fp = run.data?.fingerprint;
  if (fp !== undefined && fp !== null) tags['exp.data.fingerprint'] = typeof fp === 'string' ? fp : JSON.stringify(fp);
  if (run.seed !== undefined) tags['exp.seed'] = String(run.seed);
  if (run.error?.message) tags['exp.error'] = run.error.message;
  for (const [k, v] of Object.entries(config.tags)) tags[k] = v;
  // MLflow 2.x rejects a runs/create whose run_name and mlflow.runName tag differ.
  tags['mlflow.runName'] = runNameFor(run, config);
  return Object.entries(tags).map(([key, value]) => ({ key: legalKey(key), value: shorten(value, MAX_TAG_VALUE_LENGTH) }));
}

/**
 * The command as a user would type it: run.json records process.argv
 * (`/usr/bin/node /.../src/cli/main.ts run x.yaml`), shown as `exp run x.yaml`.
 */
export function commandLine(command: unknown): string {
  if (typeof command === 'string') return command;
  if (!Array.isArray(command) || command.length === 0) return 'exp';
  const argv = command.map(String);
  const script = argv.findIndex((a, i) => i <= 1 && /(^|[/\\])(exp|main\.[cm]?[jt]s)$/.test(a));
  return script >= 0 ? ['exp', ...argv.slice(script + 1)].join(' ') : argv.join(' ');
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

/** What run.json's `tracking` field holds after a sync attempt. */
export interface RunTrackingRecord {
  server: string;
  ok: boolean;
  attempted_at: string;
  experiment_id?: string;
  mlflow_run_id?: string;
  url?: string;
  error?: string;
  warnings?: string[];
}

/**
 * syncRun for the end of `exp run`: never throws, never fails the run. The outcome (or the
 * error, with no secrets in it) is recorded in run.json's `tracking` field; `exp sync RUN`
 * finishes the upload later.
 */
export async function trackRunSafely(
  runDir: string,
  config: TrackingConfig,
  opts: SyncOptions = {},
): Promise<{ ok: boolean; error?: string; result?: SyncResult }> {
  const server = redactUri(config.uri);
  let record: RunTrackingRecord;
  let outcome: { ok: boolean; error?: string; result?: SyncResult };
  try {
    const result = await syncRun(runDir, config, opts);
    record = {
      server,
      ok: true,
      attempted_at: new Date().toISOString(),
      experiment_id: result.experimentId,
      mlflow_run_id: result.mlflowRunId,
      url: result.url,
      ...(result.warnings.length > 0 ? { warnings: result.warnings.map((w) => scrub(w, config)) } : {}),
    };
    outcome = { ok: true, result };
  } catch (e) {
    const error = scrub(describe(e), config);
    record = { server, ok: false, attempted_at: new Date().toISOString(), error };
    outcome = { ok: false, error };
  }
  try {
    await recordInRunJson(runDir, record);
  } catch (e) {
    const also = `could not record the tracking outcome in run.json: ${(e as Error).message}`;
    outcome = { ...outcome, ok: false, error: outcome.error ? `${outcome.error}; ${also}` : also };
  }
  return outcome;
}

/** Read-modify-write of run.json's `tracking` field (atomic replace; the rest is kept as is). */
export async function recordInRunJson(runDir: string, record: RunTrackingRecord): Promise<void> {
  const file = join(runDir, 'run.json');
  const run = await readJsonIfExists<Record<string, unknown>>(file);
  if (!run) throw new ExpError('run', `${file}: missing`);
  run.tracking = record;
  await writeJsonAtomic(file, run);
}

function describe(e: unknown): string {
  if (e instanceof ExpError) return e.problems.map(formatProblem).join('; ');
  return e instanceof Error ? e.message : String(e);
}

function scrub(s: string, config: TrackingConfig): string {
  let out = s;
  for (const secret of secretsOf(config)) out = out.split(secret).join('***');
  return out;
}
