// The run.json record and how a run's status is read back (including `dead`).

export type RunStatus = 'running' | 'finished' | 'failed' | 'interrupted';
/** What listings show: a `running` run whose heartbeat stopped is `dead`. */
export type EffectiveStatus = RunStatus | 'dead';

export interface RunRecord {
  id: string;
  name: string;
  status: RunStatus;
  started_at: string;
  ended_at: string | null;
  heartbeat_at: string;
  /** Seconds between heartbeats; a running run silent for 3 of these is dead. */
  heartbeat_interval_s: number;
  version: string;
  git: { commit: string; dirty: boolean } | null;
  node: string;
  tfjs: string | null;
  backend: { name: string; device?: string } | null;
  host: string;
  seed: number | null;
  data: { fingerprint: unknown } | null;
  command: string[];
  models: string[];
  error?: { message: string; [k: string]: unknown };
  tracking?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Default seconds between heartbeats. Generous on purpose: synchronous work (sorting 10M scores,
 * parsing a big file) blocks the timer, and a busy 2-core machine must not see live runs as dead.
 */
export const DEFAULT_HEARTBEAT_S = 10;

export function deadAfterMs(rec: Pick<RunRecord, 'heartbeat_interval_s'>): number {
  const interval = typeof rec.heartbeat_interval_s === 'number' && rec.heartbeat_interval_s > 0 ? rec.heartbeat_interval_s : DEFAULT_HEARTBEAT_S;
  return 3 * interval * 1000;
}

export function effectiveStatus(rec: Pick<RunRecord, 'status' | 'heartbeat_at' | 'heartbeat_interval_s'>, now: number = Date.now()): EffectiveStatus {
  if (rec.status !== 'running') return rec.status;
  const hb = Date.parse(rec.heartbeat_at);
  if (!Number.isFinite(hb) || now - hb > deadAfterMs(rec)) return 'dead';
  return 'running';
}
