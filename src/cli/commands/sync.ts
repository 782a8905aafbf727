// `exp sync RUN...`: upload runs to MLflow after the fact (a run made while the server was down,
// or with tracking off). Idempotent: a run already in sync sends nothing.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExpError } from '../../errors.ts';
import { resolveRun } from '../../runs/store.ts';
import { resolveTrackingConfig, type SpecTracking, type TrackingConfig } from '../../tracking/config.ts';
import { type SyncResult, trackRunSafely } from '../../tracking/sync.ts';
import { io } from '../io.ts';

interface SyncFlags {
  runsDir?: string;
  uri?: string;
  experiment?: string;
  artifacts?: boolean;
  json?: boolean;
}

/** The run's own tracking block (from spec.resolved.json), then the environment, then the flags. */
export function configForRun(runDir: string, flags: SyncFlags, env: NodeJS.ProcessEnv): TrackingConfig {
  let specTracking: SpecTracking | undefined;
  try {
    const spec = JSON.parse(readFileSync(join(runDir, 'spec.resolved.json'), 'utf8')) as { tracking?: SpecTracking };
    specTracking = spec.tracking;
  } catch {
    specTracking = undefined;
  }
  const block = { ...(specTracking?.mlflow ?? {}) };
  if (flags.uri) block.uri = flags.uri;
  if (flags.experiment) block.experiment = flags.experiment;
  if (flags.artifacts === false) block.artifacts = false;
  const config = block.uri || env.MLFLOW_TRACKING_URI ? resolveTrackingConfig({ mlflow: block }, env) : null;
  if (!config) {
    throw new ExpError('usage', {
      message: 'no MLflow tracking server is configured',
      hint: 'set MLFLOW_TRACKING_URI (e.g. http://127.0.0.1:5000), pass --uri, or add tracking.mlflow.uri to the spec',
    });
  }
  return config;
}

function summary(runId: string, r: SyncResult): string {
  const s = r.sent;
  const what =
    s.params + s.metrics + s.artifacts === 0 && !s.status
      ? 'already in sync, nothing sent'
      : `sent ${s.params} params, ${s.metrics} metrics, ${s.artifacts} artifacts (${s.artifactBytes} bytes)${s.status ? `, status ${s.status}` : ''}`;
  return `${runId}: ${r.created ? 'new' : 'existing'} MLflow run ${r.mlflowRunId} (experiment ${r.experimentId}): ${what}\n  ${r.url}\n`;
}

export function register(program: Command): void {
  program
    .command('sync')
    .description('upload runs to an MLflow tracking server (params, per-epoch metrics, evaluation, artifacts, status); safe to repeat')
    .argument('<run...>', 'run id, unique prefix, path to a run directory, latest or latest~N')
    .option('--runs-dir <dir>', 'where the runs are (default: $EXP_RUNS_DIR, else ./runs)')
    .option('--uri <url>', 'tracking server (default: the spec\'s tracking.mlflow.uri, else $MLFLOW_TRACKING_URI)')
    .option('--experiment <name>', 'MLflow experiment (default: the spec\'s, else $MLFLOW_EXPERIMENT_NAME, else the spec name)')
    .option('--no-artifacts', 'do not upload the run directory\'s files')
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ MLFLOW_TRACKING_URI=http://127.0.0.1:5000 exp sync latest\n  $ exp sync runs/20261203-101500-seed-a1b2c3 --uri https://mlflow.example.org --experiment higgs\n\nCredentials come from MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD.\n',
    )
    .action(async (refs: string[], flags: SyncFlags) => {
      const runsDir = resolve(flags.runsDir ?? (process.env.EXP_RUNS_DIR || 'runs'));
      const runs = refs.map((ref) => resolveRun(runsDir, ref));
      const failures: string[] = [];
      const results: Array<{ run: string; ok: boolean; result?: SyncResult; error?: string }> = [];
      for (const run of runs) {
        const config = configForRun(run.dir, flags, process.env);
        const outcome = await trackRunSafely(run.dir, config, flags.json ? {} : { log: (l) => io.err(`${run.id}: ${l}\n`) });
        results.push({ run: run.id, ok: outcome.ok, ...(outcome.result ? { result: outcome.result } : {}), ...(outcome.error ? { error: outcome.error } : {}) });
        if (outcome.ok && outcome.result) {
          if (!flags.json) io.out(summary(run.id, outcome.result));
          for (const w of outcome.result.warnings) io.err(`${run.id}: warning: ${w}\n`);
        } else {
          failures.push(`${run.id}: ${outcome.error ?? 'failed'}`);
        }
      }
      if (flags.json) io.out(JSON.stringify(results, null, 2) + '\n');
      if (failures.length > 0) {
        throw new ExpError('tracking', [
          ...failures.map((message) => ({ message })),
          { message: `${failures.length === 1 ? 'the local run is' : 'the local runs are'} intact; run \`exp sync\` again when the server is reachable` },
        ]);
      }
    });
}

