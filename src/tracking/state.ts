// tracking.json: what has already reached which MLflow server, so that `exp sync` never sends
// a metric twice and resumes where an interrupted sync stopped. Keyed by server URI (never with
// credentials) so a run can be synced to more than one server.
import { join } from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from './atomic.ts';

export interface ServerSyncState {
  experiment_id: string;
  experiment_name?: string;
  run_id: string;
  artifact_uri?: string;
  /** All params (and the tags that go with them) are logged. */
  params_done: boolean;
  /** Per model: the last epoch whose metrics are all logged. */
  metric_epochs: Record<string, number>;
  /** Per model: the final evaluation metrics are logged. */
  evaluation_done: Record<string, boolean>;
  /** Uploaded artifacts by relative path, with the content they had. */
  artifacts: Record<string, { size: number; sha256: string }>;
  /** The MLflow status last mirrored (FINISHED, FAILED, KILLED), if any. */
  status?: string;
  updated_at: string;
}

export interface TrackingFile {
  version: 1;
  servers: Record<string, ServerSyncState>;
}

export const TRACKING_FILE = 'tracking.json';

export async function readTrackingFile(runDir: string): Promise<TrackingFile> {
  const f = await readJsonIfExists<TrackingFile>(join(runDir, TRACKING_FILE));
  if (!f || f.version !== 1 || typeof f.servers !== 'object' || f.servers === null) return { version: 1, servers: {} };
  return f;
}

export async function writeTrackingFile(runDir: string, f: TrackingFile): Promise<void> {
  await writeJsonAtomic(join(runDir, TRACKING_FILE), f);
}

export function freshState(experimentId: string, experimentName: string | undefined, runId: string, artifactUri?: string): ServerSyncState {
  return {
    experiment_id: experimentId,
    ...(experimentName !== undefined ? { experiment_name: experimentName } : {}),
    run_id: runId,
    ...(artifactUri !== undefined ? { artifact_uri: artifactUri } : {}),
    params_done: false,
    metric_epochs: {},
    evaluation_done: {},
    artifacts: {},
    updated_at: new Date().toISOString(),
  };
}
