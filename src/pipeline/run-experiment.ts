// Orchestrates one `exp run`: spec -> data -> model -> train -> evaluate -> runs -> tracking.
// Owned by the lead; being written while the modules it calls land.
import { ExpError } from '../errors.ts';

export interface RunOptions {
  /** Where run directories are created (--runs-dir, EXP_RUNS_DIR, default ./runs). */
  runsDir: string;
  /** --backend from the command line; overrides the spec's backend. */
  backend?: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  /** The command line as typed, recorded in run.json. */
  argv: string[];
}

export interface RunOutcome {
  runDir: string;
  status: 'finished' | 'failed' | 'interrupted';
}

export async function runExperiment(_loaded: unknown, _opts: RunOptions): Promise<RunOutcome[]> {
  throw new ExpError('run', 'training is not available yet in this build');
}
