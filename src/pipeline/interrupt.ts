// Ctrl-C during a run: the first SIGINT asks training to stop after the current batch (the run is
// then recorded as interrupted with everything finished so far); a second one quits at once,
// after the caller's last-words hook has marked the run.
export interface InterruptGuard {
  signal: AbortSignal;
  release(): void;
}

export function guardInterrupts(log: (msg: string) => void, onForcedExit: () => void): InterruptGuard {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      log(`\n${sig}: stopping after the current batch (press Ctrl-C again to quit now)`);
      controller.abort();
      return;
    }
    try {
      onForcedExit();
    } finally {
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
