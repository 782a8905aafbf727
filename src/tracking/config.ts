// Where and how to reach an MLflow tracking server: the spec's `tracking.mlflow` block first,
// then the environment variables MLflow's own Python client reads, so that a shell already set
// up for MLflow works unchanged. Credentials live only in memory: they are kept off every
// enumerable property so that JSON.stringify / util.inspect of a config cannot leak them into
// run.json, tracking.json or a log line.
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { ExpError } from '../errors.ts';
import type { Tracking } from '../spec/types.generated.ts';

/** The spec's `tracking` block, as generated from schema/experiment.schema.json. */
export type SpecTracking = Tracking;
export type MlflowSpecBlock = NonNullable<Tracking['mlflow']>;

/**
 * Credentials held in private fields: JSON.stringify, util.inspect and object spread all carry
 * the object without its secrets, so a config can be copied or logged without leaking them.
 */
export class TrackingCredentials {
  readonly kind: 'bearer' | 'basic';
  readonly #header: string;
  readonly #secrets: string[];
  private constructor(kind: 'bearer' | 'basic', header: string, secrets: string[]) {
    this.kind = kind;
    this.#header = header;
    this.#secrets = secrets.filter((s) => s.length >= 4);
  }
  static bearer(token: string): TrackingCredentials {
    return new TrackingCredentials('bearer', `Bearer ${token}`, [token]);
  }
  static basic(username: string, password: string): TrackingCredentials {
    const b64 = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
    return new TrackingCredentials('basic', `Basic ${b64}`, [password, b64]);
  }
  /** The Authorization header value. */
  header(): string {
    return this.#header;
  }
  /** Strings to scrub from any message that might echo them. */
  secrets(): string[] {
    return [...this.#secrets];
  }
  toJSON(): { kind: string; redacted: true } {
    return { kind: this.kind, redacted: true };
  }
  [inspect.custom](): string {
    return `TrackingCredentials { kind: '${this.kind}', <redacted> }`;
  }
}

export interface TrackingConfig {
  /** Server address without credentials and without a trailing slash, e.g. `http://127.0.0.1:5000`. */
  uri: string;
  /** Experiment name; undefined: MLFLOW_EXPERIMENT_ID if set, else the run's name (the spec name). */
  experiment?: string;
  /** MLFLOW_EXPERIMENT_ID, used when no experiment name is given. */
  experimentId?: string;
  /** Run name; undefined: the local run id. */
  runName?: string;
  tags: Record<string, string>;
  /** Upload the run directory's files through the server's artifact proxy. */
  artifacts: boolean;
  /** Per-request timeout (connect, headers and body each). */
  timeoutMs: number;
  /** Total time spent retrying one request (0: no retry). */
  maxRetryMs: number;
  /** First backoff step; doubles on each retry (full jitter). Tests shorten it. */
  retryBaseMs: number;
  /** MLFLOW_TRACKING_INSECURE_TLS=true: do not verify the server's certificate. */
  insecureTls: boolean;
  /** PEM from MLFLOW_TRACKING_SERVER_CERT_PATH, trusted in addition to the system CAs. */
  caCert?: string;
  /** Authorization; its secrets never serialise (see TrackingCredentials). */
  auth?: TrackingCredentials;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RETRY_MS = 60_000;
export const DEFAULT_RETRY_BASE_MS = 250;

/**
 * The effective tracking configuration, or null when tracking is off (no `tracking.mlflow`
 * uri and no MLFLOW_TRACKING_URI). Throws ExpError('spec' | 'usage') for a configuration that
 * cannot work (a non-http URI, half of a username/password pair), before anything is run.
 */
export function resolveTrackingConfig(
  specTracking: SpecTracking | undefined,
  env: NodeJS.ProcessEnv,
): TrackingConfig | null {
  const block = specTracking?.mlflow ?? undefined;
  const fromSpec = block?.uri !== undefined && block.uri !== '';
  const rawUri = fromSpec ? block.uri! : nonEmpty(env.MLFLOW_TRACKING_URI);
  if (rawUri === undefined) {
    if (block) {
      throw new ExpError('spec', {
        path: 'tracking.mlflow.uri',
        message: 'an MLflow block is given but no server address',
        hint: 'set tracking.mlflow.uri (http://host:5000) or the MLFLOW_TRACKING_URI environment variable',
      });
    }
    return null;
  }
  const where = fromSpec ? 'tracking.mlflow.uri' : 'MLFLOW_TRACKING_URI';
  let url: URL;
  try {
    url = new URL(rawUri);
  } catch {
    throw badUri(fromSpec, where, redactUri(rawUri), 'is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badUri(
      fromSpec,
      where,
      redactUri(rawUri),
      `uses ${url.protocol.replace(/:$/, '')}: exp talks to MLflow over its REST API only`,
    );
  }

  let auth: TrackingCredentials | undefined;
  // Credentials in the URI (https://user:pass@host) are accepted but moved out of it at once.
  if (url.username !== '' || url.password !== '') {
    auth = TrackingCredentials.basic(decodeURIComponent(url.username), decodeURIComponent(url.password));
    url.username = '';
    url.password = '';
  }
  const token = nonEmpty(env.MLFLOW_TRACKING_TOKEN);
  const user = nonEmpty(env.MLFLOW_TRACKING_USERNAME);
  const password = env.MLFLOW_TRACKING_PASSWORD;
  if (token !== undefined) {
    auth = TrackingCredentials.bearer(token);
  } else if (user !== undefined || nonEmpty(password) !== undefined) {
    if (user === undefined || password === undefined) {
      throw new ExpError('usage', {
        message: 'MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD must be set together',
        hint: 'set both for basic authentication, or MLFLOW_TRACKING_TOKEN for a bearer token',
      });
    }
    auth = TrackingCredentials.basic(user, password);
  }

  let caCert: string | undefined;
  const certPath = nonEmpty(env.MLFLOW_TRACKING_SERVER_CERT_PATH);
  if (certPath !== undefined) {
    try {
      caCert = readFileSync(certPath, 'utf8');
    } catch (e) {
      throw new ExpError('usage', {
        message: `MLFLOW_TRACKING_SERVER_CERT_PATH: cannot read ${certPath}: ${(e as Error).message}`,
        hint: 'point it at a PEM file or unset it',
      });
    }
  }

  const config: TrackingConfig = {
    uri: `${url.origin}${url.pathname.replace(/\/+$/, '')}`,
    experiment: nonEmpty(block?.experiment) ?? nonEmpty(env.MLFLOW_EXPERIMENT_NAME),
    experimentId: nonEmpty(env.MLFLOW_EXPERIMENT_ID),
    runName: nonEmpty(block?.run_name),
    tags: { ...(block?.tags ?? {}) },
    artifacts: block?.artifacts ?? true,
    timeoutMs: block?.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    maxRetryMs: block?.max_retry_ms ?? DEFAULT_MAX_RETRY_MS,
    retryBaseMs: DEFAULT_RETRY_BASE_MS,
    insecureTls: (env.MLFLOW_TRACKING_INSECURE_TLS ?? '').toLowerCase() === 'true',
    ...(caCert !== undefined ? { caCert } : {}),
    ...(auth ? { auth } : {}),
  };
  if (config.experiment === undefined) delete config.experiment;
  if (config.experimentId === undefined) delete config.experimentId;
  if (config.runName === undefined) delete config.runName;
  return config;
}

/** The Authorization header value for `config`, or undefined. */
export function authHeader(config: TrackingConfig): string | undefined {
  return config.auth?.header();
}

/** Every secret string in `config` (to scrub from messages that might echo them). */
export function secretsOf(config: TrackingConfig): string[] {
  return config.auth?.secrets() ?? [];
}

/** A URI with any user:password part replaced, for messages. */
export function redactUri(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

function badUri(fromSpec: boolean, where: string, shown: string, why: string): ExpError {
  const hint = 'use the address of an `mlflow server` (http://host:5000 or https://...)';
  return fromSpec
    ? new ExpError('spec', { path: where, message: `${shown} ${why}`, hint })
    : new ExpError('usage', { message: `${where}=${shown} ${why}`, hint: `${hint}, or unset ${where}` });
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s;
}
