// Public surface of the tracking module (MLflow over REST).
export { resolveTrackingConfig, redactUri, TrackingCredentials, type TrackingConfig, type SpecTracking, type MlflowSpecBlock } from './config.ts';
export { MlflowClient, MlflowError, MlflowConnectionError, resolveArtifactTarget } from './client.ts';
export { syncRun, trackRunSafely, type SyncResult, type SyncOptions, type RunTrackingRecord } from './sync.ts';
