// An in-memory MLflow tracking server on 127.0.0.1 (node:http) implementing the REST API 2.0
// subset exp uses, with MLflow's documented validation (mlflow/utils/validation.py and the
// REST API reference): name characters, key <= 250, param value <= 6000 (configurable, 500 for
// MLflow 1.x), params immutable, log-batch <= 1000 metrics / 100 params / 100 tags / 1000 total,
// RESOURCE_DOES_NOT_EXIST (404) and RESOURCE_ALREADY_EXISTS (400) as MLflow answers them, and the
// artifact proxy (PUT/GET /api/2.0/mlflow-artifacts/artifacts/<path>). Plus fault injection.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface StoredRun {
  info: {
    run_id: string;
    run_uuid: string;
    experiment_id: string;
    run_name: string;
    status: string;
    start_time: number;
    end_time?: number;
    artifact_uri: string;
    lifecycle_stage: string;
    user_id: string;
  };
  params: Map<string, string>;
  tags: Map<string, string>;
  /** Every logged metric value, in order (MLflow appends; nothing is deduplicated here). */
  metrics: Array<{ key: string; value: number; timestamp: number; step: number }>;
}

export interface Fault {
  /** Which requests it applies to (method + path, e.g. `POST /api/2.0/mlflow/runs/log-batch`). */
  match?: RegExp;
  /** Let this many matching requests through first. */
  skip?: number;
  /** How many matching requests it hits (default 1). */
  times?: number;
  /** Answer with this HTTP status and an MLflow error body. */
  status?: number;
  errorCode?: string;
  retryAfter?: string;
  /** Hold the answer this long before handling the request normally. */
  delayMs?: number;
  /** Drop the connection without an answer (the request is not handled). */
  destroy?: boolean;
  /** Handle the request, then drop the connection instead of answering (a lost answer). */
  loseAnswer?: boolean;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  authorization?: string;
}

export interface ServerOptions {
  paramValueLimit?: number;
  /** Artifact root for new runs: 'proxy' (mlflow-artifacts:/...) or a non-HTTP URI prefix such as s3://bucket. */
  artifactRoot?: 'proxy' | string;
  /** When set, every request must carry exactly this Authorization header (else 401). */
  requireAuthorization?: string;
  port?: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

const NAME_RE = /^[/\w.\- ]*$/;
const RUN_STATUSES = new Set(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class MlflowTestServer {
  readonly experiments = new Map<string, { experiment_id: string; name: string; lifecycle_stage: string; artifact_location: string }>();
  readonly runs = new Map<string, StoredRun>();
  readonly artifacts = new Map<string, Buffer>();
  readonly log: RequestLogEntry[] = [];
  readonly faults: Fault[] = [];
  /** Artifact PUTs received, by path (to count re-uploads). */
  readonly artifactPuts = new Map<string, number>();
  private server: Server;
  private nextExperimentId = 1;
  port = 0;
  readonly opts: ServerOptions;

  constructor(opts: ServerOptions = {}) {
    this.opts = opts;
    this.experiments.set('0', { experiment_id: '0', name: 'Default', lifecycle_stage: 'active', artifact_location: 'mlflow-artifacts:/0' });
    this.server = this.makeServer();
  }

  get uri(): string {
    return `${this.opts.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  private makeServer(): Server {
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      void this.handle(req, res);
    };
    const s: Server = this.opts.tls ? createHttpsServer({ key: this.opts.tls.key, cert: this.opts.tls.cert }, handler) : createServer(handler);
    s.keepAliveTimeout = 5_000;
    return s;
  }

  async start(port = this.opts.port ?? this.port): Promise<this> {
    if (this.server.listening) return this;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening and drops open connections; the stored data stays (start() again to resume). */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
    this.server = this.makeServer();
  }

  fault(f: Fault): void {
    this.faults.push({ times: 1, skip: 0, ...f });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Requests that change state (all but GETs and searches). */
  writes(): RequestLogEntry[] {
    return this.log.filter((r) => r.method !== 'GET' && !r.path.endsWith('/runs/search'));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const line = `${method} ${url.pathname}`;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const entry: RequestLogEntry = { method, path: url.pathname, status: 0, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
    this.log.push(entry);

    for (const f of this.faults) {
      if ((f.times ?? 1) <= 0) continue;
      if (f.match && !f.match.test(line)) continue;
      if ((f.skip ?? 0) > 0) {
        f.skip = (f.skip ?? 0) - 1;
        continue;
      }
      f.times = (f.times ?? 1) - 1;
      if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
      if (f.destroy) {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      if (f.status) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (f.retryAfter) headers['retry-after'] = f.retryAfter;
        entry.status = f.status;
        res.writeHead(f.status, headers).end(JSON.stringify({ error_code: f.errorCode ?? 'TEMPORARILY_UNAVAILABLE', message: 'injected fault' }));
        return;
      }
      if (f.loseAnswer) {
        try {
          this.route(method, url, body);
        } catch {
          /* the answer is lost either way */
        }
        entry.status = -2;
        req.socket.destroy();
        return;
      }
      // A delayed request is still handled after the client gave up, as a real server does.
      break;
    }

    try {
      if (this.opts.requireAuthorization !== undefined && req.headers.authorization !== this.opts.requireAuthorization) {
        throw new ApiError(401, 'UNAUTHENTICATED', 'You are not authenticated. Please provide valid credentials.');
      }
      const result = this.route(method, url, body);
      entry.status = 200;
      if (Buffer.isBuffer(result)) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(result);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(500, 'INTERNAL_ERROR', String(e));
      entry.status = err.status;
      if (!res.destroyed) res.writeHead(err.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: err.code, message: err.message }));
    }
  }

  private route(method: string, url: URL, body: Buffer): unknown {
    const p = url.pathname;
    const ART = '/api/2.0/mlflow-artifacts/artifacts/';
    if (p.startsWith(ART)) {
      const key = decodeURIComponent(p.slice(ART.length));
      if (method === 'PUT') {
        this.artifacts.set(key, body);
        this.artifactPuts.set(key, (this.artifactPuts.get(key) ?? 0) + 1);
        return {};
      }
      if (method === 'GET') {
        const b = this.artifacts.get(key);
        if (!b) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `File ${key} does not exist`);
        return b;
      }
    }
    const json = (): Record<string, unknown> => {
      if (method !== 'POST') throw new ApiError(405, 'BAD_REQUEST', `${method} not allowed`);
      try {
        return JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        throw new ApiError(400, 'MALFORMED_REQUEST', 'Request body is not valid JSON');
      }
    };
    switch (`${method} ${p}`) {
      case 'GET /api/2.0/mlflow/experiments/get-by-name': {
        const name = url.searchParams.get('experiment_name');
        if (!name) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'experiment_name'.");
        const e = [...this.experiments.values()].find((x) => x.name === name);
        if (!e) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
        return { experiment: e };
      }
      case 'POST /api/2.0/mlflow/experiments/create': {
        const { name } = json();
        if (typeof name !== 'string' || name === '') throw new ApiError(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'.");
        if ([...this.experiments.values()].some((x) => x.name === name))
          throw new ApiError(400, 'RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
        const id = String(this.nextExperimentId++);
        this.experiments.set(id, { experiment_id: id, name, lifecycle_stage: 'active', artifact_location: `mlflow-artifacts:/${id}` });
        return { experiment_id: id };
      }
      case 'POST /api/2.0/mlflow/runs/create': {
        const b = json();
        const expId = String(b.experiment_id ?? '0');
        if (!this.experiments.has(expId)) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${expId} exists`);
        const tags = (b.tags as Array<{ key: string; value: string }> | undefined) ?? [];
        for (const t of tags) validateTag(t);
        const tagName = tags.find((t) => t.key === 'mlflow.runName')?.value;
        if (typeof b.run_name === 'string' && tagName !== undefined && tagName !== b.run_name)
          throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${b.run_name}', mlflow.runName='${tagName}').`);
        const runId = randomBytes(16).toString('hex');
        const root = this.opts.artifactRoot ?? 'proxy';
        const run: StoredRun = {
          info: {
            run_id: runId,
            run_uuid: runId,
            experiment_id: expId,
            run_name: String(b.run_name ?? tags.find((t) => t.key === 'mlflow.runName')?.value ?? 'run'),
            status: 'RUNNING',
            start_time: Number(b.start_time ?? Date.now()),
            artifact_uri: root === 'proxy' ? `mlflow-artifacts:/${expId}/${runId}/artifacts` : `${root}/${expId}/${runId}/artifacts`,
            lifecycle_stage: 'active',
            user_id: '',
          },
          params: new Map(),
          tags: new Map(tags.map((t) => [t.key, t.value])),
          metrics: [],
        };
        this.runs.set(runId, run);
        return { run: this.view(run) };
      }
      case 'GET /api/2.0/mlflow/runs/get': {
        return { run: this.view(this.getRun(url.searchParams.get('run_id'))) };
      }
      case 'POST /api/2.0/mlflow/runs/update': {
        const b = json();
        const run = this.getRun(b.run_id);
        if (b.status !== undefined) {
          if (!RUN_STATUSES.has(String(b.status))) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid value ${JSON.stringify(b.status)} for parameter 'status'`);
          run.info.status = String(b.status);
        }
        if (b.end_time !== undefined) run.info.end_time = Number(b.end_time);
        if (typeof b.run_name === 'string') run.info.run_name = b.run_name;
        return { run_info: run.info };
      }
      case 'POST /api/2.0/mlflow/runs/search': {
        const b = json();
        const ids = (b.experiment_ids as string[] | undefined) ?? [];
        const m = /^tags\.(?:`([^`]+)`|"([^"]+)"|([\w.]+))\s*=\s*'((?:[^'\\]|\\.)*)'$/.exec(String(b.filter ?? '').trim());
        if (b.filter && !m) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Unsupported filter in this test server: ${String(b.filter)}`);
        const runs = [...this.runs.values()].filter((r) => {
          if (!ids.includes(r.info.experiment_id) || r.info.lifecycle_stage !== 'active') return false;
          if (!m) return true;
          return r.tags.get(m[1] ?? m[2] ?? m[3]!) === m[4]!.replace(/\\'/g, "'");
        });
        return runs.length > 0 ? { runs: runs.map((r) => this.view(r)) } : {};
      }
      case 'POST /api/2.0/mlflow/runs/set-tag': {
        const b = json();
        const run = this.getRun(b.run_id);
        const t = { key: b.key as string, value: b.value as string };
        validateTag(t);
        run.tags.set(t.key, t.value);
        return {};
      }
      case 'POST /api/2.0/mlflow/runs/log-batch':
        return this.logBatch(json());
      default:
        throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `No API endpoint ${method} ${p}`);
    }
  }

  private logBatch(b: Record<string, unknown>): unknown {
    const run = this.getRun(b.run_id);
    const metrics = (b.metrics as StoredRun['metrics'] | undefined) ?? [];
    const params = (b.params as Array<{ key: string; value: string }> | undefined) ?? [];
    const tags = (b.tags as Array<{ key: string; value: string }> | undefined) ?? [];
    // The batch limits and messages of MLflow's _validate_batch_log_limits.
    if (metrics.length > 1000)
      throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `A batch logging request can contain at most 1000 metrics. Got ${metrics.length} metrics. Please split up metrics across multiple requests and try again.`);
    if (params.length > 100)
      throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `A batch logging request can contain at most 100 params. Got ${params.length} params. Please split up params across multiple requests and try again.`);
    if (tags.length > 100)
      throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `A batch logging request can contain at most 100 tags. Got ${tags.length} tags. Please split up tags across multiple requests and try again.`);
    const total = metrics.length + params.length + tags.length;
    if (total > 1000)
      throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `A batch logging request can contain at most 1000 metrics, params, and tags in total. Got ${total} total. Please split up`);
    // Validate everything first, then apply: this server's batches are all-or-nothing.
    for (const m of metrics) {
      validateName('metric', m.key);
      if (typeof m.value !== 'number') throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Got invalid value ${JSON.stringify(m.value)} for metric '${m.key}'`);
      if (!Number.isInteger(m.timestamp)) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Got invalid timestamp ${JSON.stringify(m.timestamp)} for metric '${m.key}'`);
      if (!Number.isInteger(m.step)) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Got invalid step ${JSON.stringify(m.step)} for metric '${m.key}'`);
    }
    const limit = this.opts.paramValueLimit ?? 6000;
    const seen = new Map<string, string>();
    for (const p of params) {
      validateName('param', p.key);
      if (typeof p.value !== 'string') throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Param value for '${p.key}' must be a string`);
      if (p.value.length > limit)
        throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Param value '${p.value.slice(0, 30)}...' had length ${p.value.length}, which exceeded length limit of ${limit}`);
      const old = run.params.get(p.key) ?? seen.get(p.key);
      if (old !== undefined && old !== p.value)
        throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}' for run ID='${run.info.run_id}'. Attempted logging new value '${p.value}'.`);
      seen.set(p.key, p.value);
    }
    for (const t of tags) validateTag(t);
    run.metrics.push(...metrics.map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step })));
    for (const p of params) run.params.set(p.key, p.value);
    for (const t of tags) run.tags.set(t.key, t.value);
    return {};
  }

  private getRun(id: unknown): StoredRun {
    if (typeof id !== 'string' || id === '') throw new ApiError(400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_id'.");
    const run = this.runs.get(id);
    if (!run) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Run with id=${id} not found`);
    return run;
  }

  private view(r: StoredRun): unknown {
    const latest = new Map<string, StoredRun['metrics'][number]>();
    for (const m of r.metrics) {
      const prev = latest.get(m.key);
      if (!prev || m.step > prev.step || (m.step === prev.step && m.timestamp >= prev.timestamp)) latest.set(m.key, m);
    }
    return {
      info: r.info,
      data: {
        metrics: [...latest.values()],
        params: [...r.params].map(([key, value]) => ({ key, value })),
        tags: [...r.tags].map(([key, value]) => ({ key, value })),
      },
    };
  }
}

function validateName(kind: string, key: unknown): void {
  if (typeof key !== 'string' || key === '') throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Missing ${kind} name`);
  if (!NAME_RE.test(key))
    throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`);
  if (key.length > 250) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `${kind} name '${key.slice(0, 30)}...' had length ${key.length}, which exceeded length limit of 250`);
}

function validateTag(t: { key: unknown; value: unknown }): void {
  validateName('tag', t.key);
  if (typeof t.value !== 'string') throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Tag value for '${String(t.key)}' must be a string`);
  if (t.value.length > 8000) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Tag value had length ${t.value.length}, which exceeded length limit of 8000`);
}

export async function startMlflowServer(opts: ServerOptions = {}): Promise<MlflowTestServer> {
  return new MlflowTestServer(opts).start();
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
