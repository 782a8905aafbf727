import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');

export interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function start(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Done> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Done>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export const exp = (args: string[], env: Record<string, string> = {}): Promise<Done> => start(args, env).done;

export const tempRunsDir = (): string => mkdtempSync(join(tmpdir(), 'exp-runs-'));

export function runDirs(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  // in creation order: ids made in the same second differ only in their random suffix
  const dirs = readdirSync(runsDir).filter((d) => existsSync(join(runsDir, d, 'run.json'))).map((d) => join(runsDir, d));
  const started = (d: string): string => readJson(join(d, 'run.json')).started_at;
  return dirs.sort((a, b) => started(a).localeCompare(started(b)));
}

export const readJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

export function epochs(runDir: string, model: string): any[] {
  const p = join(runDir, 'models', model, 'metrics.jsonl');
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Polls until f() is truthy (or fails after timeoutMs). */
export async function waitFor<T>(f: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
