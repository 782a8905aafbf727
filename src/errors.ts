// Errors are values with a location until the CLI prints them. Library code returns
// Problem[] (validation) or throws an ExpError carrying them (I/O deep in a pipeline);
// only src/cli turns them into text and an exit code. A user's mistake never prints a stack.

export interface SourceLocation {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  col: number;
}

export interface Problem {
  message: string;
  /** Dotted key path in the spec (e.g. `models.deep.layers[2].units`), when the problem is about a key. */
  path?: string;
  location?: SourceLocation;
  /** What the user can do about it. */
  hint?: string;
}

/** spec and usage errors exit 2 (the input is wrong); everything else that fails while running exits 1. */
export type ErrorKind = 'spec' | 'usage' | 'data' | 'model' | 'run' | 'tracking' | 'interrupted';

export class ExpError extends Error {
  readonly kind: ErrorKind;
  readonly problems: Problem[];

  constructor(kind: ErrorKind, problems: Problem[] | Problem | string) {
    const list = typeof problems === 'string' ? [{ message: problems }] : Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join('\n'));
    this.name = 'ExpError';
    this.kind = kind;
    this.problems = list;
  }

  get exitCode(): number {
    return exitCodeFor(this.kind);
  }
}

export function exitCodeFor(kind: ErrorKind): number {
  if (kind === 'spec' || kind === 'usage') return 2;
  if (kind === 'interrupted') return 130;
  return 1;
}

/** `FILE:LINE:COL: key.path: message (hint)` with whatever parts are known. */
export function formatProblem(p: Problem): string {
  const parts: string[] = [];
  if (p.location) parts.push(`${p.location.file}:${p.location.line}:${p.location.col}`);
  if (p.path) parts.push(p.path);
  parts.push(p.hint ? `${p.message} (${p.hint})` : p.message);
  return parts.join(': ');
}

export type Result<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(problems: Problem[] | Problem): Result<T> => ({
  ok: false,
  problems: Array.isArray(problems) ? problems : [problems],
});

/** Unwraps a Result, throwing an ExpError of the given kind on failure. */
export function unwrap<T>(r: Result<T>, kind: ErrorKind): T {
  if (!r.ok) throw new ExpError(kind, r.problems);
  return r.value;
}
