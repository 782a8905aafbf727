// Exponential backoff with full jitter (AWS architecture blog's "full jitter": sleep a uniform
// random time in [0, base * 2^attempt]), bounded by a total time budget rather than a count,
// because what a user tolerates is how long `exp run` lingers after training, not how many tries.

export interface RetryPolicy {
  /** Total time budget for all attempts and waits, ms (0: a single attempt). */
  maxRetryMs: number;
  /** First backoff step, ms. */
  baseMs: number;
  /** Cap on a single wait, ms. */
  capMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** Thrown by an attempt to say whether it may be retried and, optionally, after how long (Retry-After). */
export interface RetryVerdict {
  retryable: boolean;
  retryAfterMs?: number;
}

export interface RetryOutcome<T> {
  value: T;
  attempts: number;
}

export class RetriesExhausted extends Error {
  readonly attempts: number;
  readonly elapsedMs: number;
  readonly last: unknown;
  constructor(last: unknown, attempts: number, elapsedMs: number) {
    super(`${last instanceof Error ? last.message : String(last)} (gave up after ${attempts} attempts in ${Math.round(elapsedMs)} ms)`);
    this.name = 'RetriesExhausted';
    this.attempts = attempts;
    this.elapsedMs = elapsedMs;
    this.last = last;
  }
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `attempt` until it succeeds, it fails with a non-retryable error (rethrown as is), or the
 * next wait would overrun the budget (RetriesExhausted wrapping the last error).
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  classify: (err: unknown) => RetryVerdict,
  policy: RetryPolicy,
): Promise<RetryOutcome<T>> {
  const sleep = policy.sleep ?? realSleep;
  const random = policy.random ?? Math.random;
  const now = policy.now ?? (() => performance.now());
  const cap = policy.capMs ?? 10_000;
  const start = now();
  for (let n = 0; ; n++) {
    try {
      return { value: await attempt(n), attempts: n + 1 };
    } catch (err) {
      const verdict = classify(err);
      if (!verdict.retryable) throw err;
      const backoff = random() * Math.min(cap, policy.baseMs * 2 ** n);
      const wait = Math.max(backoff, verdict.retryAfterMs ?? 0);
      const elapsed = now() - start;
      if (elapsed + wait > policy.maxRetryMs) throw new RetriesExhausted(err, n + 1, elapsed);
      await sleep(wait);
    }
  }
}
