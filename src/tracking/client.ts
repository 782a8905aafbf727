// A small MLflow REST API 2.0 client on undici: one keep-alive Pool per server origin, per-request
// connect/headers/body timeouts, bounded retries on 429, 5xx and connection errors. Written by
// hand because MLflow has no maintained JavaScript client; the subset exp needs is a dozen calls.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Pool } from 'undici';
import { ExpError } from '../errors.ts';
import { authHeader, secretsOf, type TrackingConfig } from './config.ts';
import { type Batch, type KeyValue, splitBatches } from './limits.ts';
import { RetriesExhausted, type RetryVerdict, withRetry } from './retry.ts';

export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
}

export interface MlflowRunInfo {
  run_id: string;
  experiment_id: string;
  run_name?: string;
  status?: string;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage?: string;
}

export interface MlflowRun {
  info: MlflowRunInfo;
  data: {
    metrics?: Array<{ key: string; value: number; timestamp: number; step: number }>;
    params?: KeyValue[];
    tags?: KeyValue[];
  };
}

export type MlflowRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** An MLflow error response, with the request that caused it. */
export class MlflowError extends ExpError {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly errorCode: string;
  readonly serverMessage: string;
  constructor(method: string, path: string, status: number, errorCode: string, serverMessage: string, hint?: string) {
    super('tracking', {
      message: `MLflow ${method} ${path} failed: HTTP ${status} ${errorCode}: ${serverMessage}`,
      ...(hint ? { hint } : {}),
    });
    this.method = method;
    this.path = path;
    this.status = status;
    this.errorCode = errorCode;
    this.serverMessage = serverMessage;
  }
}

/** No response at all (refused, reset, timed out), with the request that was attempted. */
export class MlflowConnectionError extends ExpError {
  readonly method: string;
  readonly path: string;
  readonly code: string;
  constructor(method: string, path: string, code: string, detail: string, hint?: string) {
    super('tracking', { message: `MLflow ${method} ${path}: ${detail}`, ...(hint ? { hint } : {}) });
    this.method = method;
    this.path = path;
    this.code = code;
  }
}

// TLS and name-resolution failures do not heal by waiting; everything else below the HTTP layer may.
const PERMANENT_CODES = new Set([
  'ENOTFOUND',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_INVALID_URL',
]);

export interface RequestOptions {
  query?: Record<string, string>;
  json?: unknown;
  /** A fresh body per attempt (a stream cannot be replayed). */
  body?: () => NodeJS.ReadableStream | Buffer | string;
  headers?: Record<string, string>;
  /** false: one attempt only (for calls that are not safe to repeat). */
  retry?: boolean;
  /** Absolute URL origin to send to instead of the tracking server's (artifact servers). */
  origin?: string;
  /** Path used as is, without the tracking URI's base path. */
  rawPath?: boolean;
}

export interface ClientOptions {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export class MlflowClient {
  readonly config: TrackingConfig;
  private readonly pools = new Map<string, Pool>();
  private readonly base: URL;
  private readonly opts: ClientOptions;
  /** Requests sent (attempts, retries included); for reports and tests. */
  requests = 0;

  constructor(config: TrackingConfig, opts: ClientOptions = {}) {
    this.config = config;
    this.base = new URL(config.uri);
    this.opts = opts;
  }

  private pool(origin: string): Pool {
    let p = this.pools.get(origin);
    if (!p) {
      p = new Pool(origin, {
        connections: 4,
        keepAliveTimeout: 4_000,
        headersTimeout: this.config.timeoutMs,
        bodyTimeout: this.config.timeoutMs,
        connect: {
          timeout: this.config.timeoutMs,
          ...(this.config.insecureTls ? { rejectUnauthorized: false } : {}),
          ...(this.config.caCert ? { ca: this.config.caCert } : {}),
        },
      });
      this.pools.set(origin, p);
    }
    return p;
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.close().catch(() => undefined)));
  }

  /** One REST call: JSON in, JSON out, MLflow errors as MlflowError, retried per the config. */
  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const basePath = o.rawPath ? '' : this.base.pathname.replace(/\/+$/, '');
    const qs = o.query ? `?${new URLSearchParams(o.query).toString()}` : '';
    const fullPath = `${basePath}${path}${qs}`;
    const shownPath = `${path}${qs}`;
    const origin = o.origin ?? this.base.origin;
    const headers: Record<string, string> = { accept: 'application/json', ...(o.headers ?? {}) };
    const auth = authHeader(this.config);
    if (auth) headers.authorization = auth;
    const jsonBody = o.json === undefined ? undefined : JSON.stringify(o.json);
    if (jsonBody !== undefined) headers['content-type'] = 'application/json';

    const attempt = async (): Promise<T> => {
      this.requests++;
      // undici's own headers/body timeouts tick at about one-second resolution and measure
      // inactivity; a JSON call gets a precise deadline for the whole exchange on top. Uploads
      // keep only the inactivity timeouts, so a large file on a slow link is not cut off.
      const deadline = o.body ? undefined : AbortSignal.timeout(this.config.timeoutMs);
      let res;
      try {
        res = await this.pool(origin).request({
          method: method as 'GET',
          path: fullPath,
          headers,
          body: jsonBody ?? (o.body ? o.body() : undefined),
          headersTimeout: this.config.timeoutMs,
          bodyTimeout: this.config.timeoutMs,
          ...(deadline ? { signal: deadline } : {}),
        } as Parameters<Pool['request']>[0]);
      } catch (e) {
        throw this.connectionError(method, shownPath, deadline?.aborted ? { code: 'UND_ERR_HEADERS_TIMEOUT' } : e);
      }
      let text: string;
      try {
        text = await res.body.text();
      } catch (e) {
        throw this.connectionError(method, shownPath, deadline?.aborted ? { code: 'UND_ERR_BODY_TIMEOUT' } : e);
      }
      if (res.statusCode >= 400) {
        let code = `HTTP_${res.statusCode}`;
        let msg = text.slice(0, 500);
        try {
          const j = JSON.parse(text) as { error_code?: string; message?: string };
          if (typeof j.error_code === 'string') code = j.error_code;
          if (typeof j.message === 'string') msg = j.message;
        } catch {
          /* not JSON: keep the raw text */
        }
        const err = new MlflowError(method, shownPath, res.statusCode, code, this.scrub(msg), hintFor(res.statusCode));
        const ra = res.headers['retry-after'];
        (err as MlflowError & { retryAfterMs?: number }).retryAfterMs = parseRetryAfter(
          Array.isArray(ra) ? ra[0] : ra,
        );
        throw err;
      }
      if (text.trim() === '') return {} as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new ExpError('tracking', {
          message: `MLflow ${method} ${shownPath}: the answer is not JSON (${JSON.stringify(text.slice(0, 80))})`,
          hint: `check that ${this.config.uri} is an MLflow tracking server`,
        });
      }
    };

    return o.retry === false ? attempt() : this.retrying(attempt);
  }

  /** Runs `attempt` under the config's retry policy; exhaustion becomes one ExpError naming the last failure. */
  async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    try {
      const policy = {
        maxRetryMs: this.config.maxRetryMs,
        baseMs: this.config.retryBaseMs,
        ...(this.opts.sleep ? { sleep: this.opts.sleep } : {}),
        ...(this.opts.random ? { random: this.opts.random } : {}),
      };
      return (await withRetry(attempt, classifyError, policy)).value;
    } catch (e) {
      if (e instanceof RetriesExhausted) {
        const last = e.last as ExpError;
        const note = `gave up after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'} in ${Math.round(e.elapsedMs)} ms`;
        const p = last.problems?.[0] ?? { message: String(last) };
        const wrapped = new ExpError('tracking', { ...p, message: `${p.message} (${note})` });
        (wrapped as ExpError & { cause?: unknown }).cause = last;
        throw wrapped;
      }
      throw e;
    }
  }

  private connectionError(method: string, path: string, e: unknown): MlflowConnectionError {
    const err = e as { code?: string; message?: string; cause?: { code?: string } };
    const code = err.code ?? err.cause?.code ?? 'UNKNOWN';
    const what: Record<string, string> = {
      ECONNREFUSED: `connection refused by ${this.base.host}`,
      UND_ERR_CONNECT_TIMEOUT: `no connection to ${this.base.host} within ${this.config.timeoutMs} ms`,
      UND_ERR_HEADERS_TIMEOUT: `no answer within ${this.config.timeoutMs} ms`,
      UND_ERR_BODY_TIMEOUT: `the answer stalled for ${this.config.timeoutMs} ms`,
      ENOTFOUND: `host ${this.base.hostname} not found`,
    };
    const detail = what[code] ?? `${this.scrub(err.message ?? String(e))} (${code})`;
    let hint: string | undefined;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND') hint = `is the MLflow server at ${this.config.uri} running? Upload later with \`exp sync RUN\``;
    else if (PERMANENT_CODES.has(code) && code.includes('CERT'))
      hint = 'set MLFLOW_TRACKING_SERVER_CERT_PATH to the server CA, or MLFLOW_TRACKING_INSECURE_TLS=true';
    else if (code.includes('TIMEOUT')) hint = 'raise tracking.mlflow.timeout_ms if the server is slow';
    return new MlflowConnectionError(method, path, code, detail, hint);
  }

  private scrub(s: string): string {
    let out = s;
    for (const secret of secretsOf(this.config)) out = out.split(secret).join('***');
    return out;
  }

  // ---- experiments ----

  /** null when no experiment has this name. */
  async getExperimentByName(name: string): Promise<MlflowExperiment | null> {
    try {
      const r = await this.request<{ experiment: MlflowExperiment }>('GET', '/api/2.0/mlflow/experiments/get-by-name', {
        query: { experiment_name: name },
      });
      return r.experiment;
    } catch (e) {
      if (e instanceof MlflowError && e.errorCode === 'RESOURCE_DOES_NOT_EXIST') return null;
      throw e;
    }
  }

  async createExperiment(name: string): Promise<string> {
    // Not retried blindly: a lost answer would make the retry fail with RESOURCE_ALREADY_EXISTS;
    // getOrCreateExperiment handles that race by looking the name up again.
    const r = await this.request<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', {
      json: { name },
    });
    return r.experiment_id;
  }

  /** The id of the active experiment named `name`, created if missing. */
  async getOrCreateExperiment(name: string): Promise<string> {
    const found = await this.getExperimentByName(name);
    if (found) return activeId(found);
    try {
      return await this.createExperiment(name);
    } catch (e) {
      if (e instanceof MlflowError && e.errorCode === 'RESOURCE_ALREADY_EXISTS') {
        const again = await this.getExperimentByName(name);
        if (again) return activeId(again);
      }
      throw e;
    }
  }

  // ---- runs ----

  async createRun(args: {
    experimentId: string;
    runName?: string;
    startTime?: number;
    tags?: KeyValue[];
  }): Promise<MlflowRun> {
    const r = await this.request<{ run: MlflowRun }>('POST', '/api/2.0/mlflow/runs/create', {
      json: {
        experiment_id: args.experimentId,
        ...(args.runName ? { run_name: args.runName } : {}),
        ...(args.startTime !== undefined ? { start_time: args.startTime } : {}),
        tags: args.tags ?? [],
      },
      // runs/create is not idempotent: a retry after a lost answer would make a second run.
      // The sync looks for its run by tag before every create instead.
      retry: false,
    });
    return r.run;
  }

  /**
   * The run tagged `tagKey` = `tagValue` in the experiment, created (with `args`) if there is
   * none. Search and create are retried together, so a create whose answer was lost is found by
   * the next search instead of being repeated: at most one MLflow run per local run.
   */
  async findOrCreateRun(
    args: { experimentId: string; runName?: string; startTime?: number; tags?: KeyValue[] },
    tagKey: string,
    tagValue: string,
  ): Promise<{ run: MlflowRun; created: boolean }> {
    return this.retrying(async () => {
      const found = await this.searchRunsByTag(args.experimentId, tagKey, tagValue, false);
      if (found.length > 0) return { run: found[0]!, created: false };
      return { run: await this.createRun(args), created: true };
    });
  }

  /** null when the run does not exist (RESOURCE_DOES_NOT_EXIST). */
  async getRun(runId: string): Promise<MlflowRun | null> {
    try {
      const r = await this.request<{ run: MlflowRun }>('GET', '/api/2.0/mlflow/runs/get', { query: { run_id: runId } });
      return r.run;
    } catch (e) {
      if (e instanceof MlflowError && e.errorCode === 'RESOURCE_DOES_NOT_EXIST') return null;
      throw e;
    }
  }

  async updateRun(args: { runId: string; status?: MlflowRunStatus; endTime?: number; runName?: string }): Promise<void> {
    await this.request('POST', '/api/2.0/mlflow/runs/update', {
      json: {
        run_id: args.runId,
        ...(args.status ? { status: args.status } : {}),
        ...(args.endTime !== undefined ? { end_time: args.endTime } : {}),
        ...(args.runName ? { run_name: args.runName } : {}),
      },
    });
  }

  /** Runs of an experiment whose tag `key` equals `value` (active runs only). */
  async searchRunsByTag(experimentId: string, key: string, value: string, retry = true): Promise<MlflowRun[]> {
    const quoted = value.replace(/'/g, "\\'");
    const r = await this.request<{ runs?: MlflowRun[] }>('POST', '/api/2.0/mlflow/runs/search', {
      json: {
        experiment_ids: [experimentId],
        filter: `tags.\`${key}\` = '${quoted}'`,
        run_view_type: 'ACTIVE_ONLY',
        max_results: 10,
      },
      retry,
    });
    return r.runs ?? [];
  }

  /** Logs any amount of data as a sequence of legal log-batch requests; calls `onBatch` after each. */
  async logBatch(runId: string, data: Batch, onBatch?: (sent: Batch) => Promise<void> | void): Promise<number> {
    const batches = splitBatches(data);
    for (const b of batches) {
      await this.request('POST', '/api/2.0/mlflow/runs/log-batch', {
        json: { run_id: runId, metrics: b.metrics, params: b.params, tags: b.tags },
      });
      if (onBatch) await onBatch(b);
    }
    return batches.length;
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.request('POST', '/api/2.0/mlflow/runs/set-tag', { json: { run_id: runId, key, value } });
  }

  // ---- artifacts ----

  /**
   * Uploads one local file to `artifactPath` (relative, `/`-separated) under the run's artifact
   * URI, through the tracking server's artifact proxy (or a plain HTTP artifact server).
   * Throws ExpError('tracking') when the run's artifact store is not reachable over HTTP.
   */
  async uploadArtifact(artifactUri: string, artifactPath: string, file: string): Promise<void> {
    const target = resolveArtifactTarget(artifactUri, this.config.uri);
    if (!target) {
      throw new ExpError('tracking', {
        message: `cannot upload artifacts: the run's artifact store ${artifactUri} is not served over HTTP by the tracking server`,
        hint: 'start the server with artifact proxying (`mlflow server` default, --serve-artifacts), or set tracking.mlflow.artifacts: false',
      });
    }
    const size = (await stat(file)).size;
    const encoded = artifactPath.split('/').map(encodeURIComponent).join('/');
    await this.request('PUT', `${target.path}/${encoded}`, {
      origin: target.origin,
      rawPath: true,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: () => createReadStream(file),
    });
  }
}

/** 429, 5xx and connection failures may heal by waiting; other 4xx and TLS/DNS errors do not. */
export function classifyError(err: unknown): RetryVerdict {
  if (err instanceof MlflowError) {
    const retryable = err.status === 429 || err.status >= 500;
    const ra = (err as MlflowError & { retryAfterMs?: number }).retryAfterMs;
    return { retryable, ...(ra !== undefined ? { retryAfterMs: ra } : {}) };
  }
  if (err instanceof MlflowConnectionError) return { retryable: !PERMANENT_CODES.has(err.code) };
  return { retryable: false };
}

function activeId(e: MlflowExperiment): string {
  if (e.lifecycle_stage === 'deleted') {
    throw new ExpError('tracking', {
      message: `MLflow experiment "${e.name}" (id ${e.experiment_id}) is deleted`,
      hint: 'restore it in MLflow, delete it permanently, or choose another tracking.mlflow.experiment',
    });
  }
  return e.experiment_id;
}

function hintFor(status: number): string | undefined {
  if (status === 401 || status === 403)
    return 'check MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD';
  if (status === 404) return undefined;
  return undefined;
}

function parseRetryAfter(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

/**
 * Where the artifacts of a run live over HTTP, following MLflow's MlflowArtifactsRepository:
 * `mlflow-artifacts:/<exp>/<run>/artifacts` maps to
 * `<tracking uri path>/api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts` on the tracking
 * server (or on the host named in the URI); an http(s) artifact URI is used as is. null for
 * stores exp cannot write to (s3:, gs:, file paths, ...).
 */
export function resolveArtifactTarget(artifactUri: string, trackingUri: string): { origin: string; path: string } | null {
  const tracking = new URL(trackingUri);
  if (artifactUri.startsWith('mlflow-artifacts:')) {
    const u = new URL(artifactUri);
    const origin = u.host ? `${tracking.protocol}//${u.host}` : tracking.origin;
    const path = `${tracking.pathname}/api/2.0/mlflow-artifacts/artifacts/${u.pathname}`.replace(/\/\/+/g, '/');
    return { origin, path: path.replace(/\/+$/, '') };
  }
  if (/^https?:\/\//.test(artifactUri)) {
    const u = new URL(artifactUri);
    return { origin: u.origin, path: u.pathname.replace(/\/+$/, '') };
  }
  return null;
}
