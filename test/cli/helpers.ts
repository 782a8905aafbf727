// Spawns the CLI the way a user runs it (through tsx, not the built dist/).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/**
 * Runs the CLI's main() in this process, capturing what it writes: the same code path and exit code
 * as a spawned `exp` (main.ts sets process.exitCode to main's result), without paying a process start
 * per case on a shared machine. Calls must not overlap (they swap the CLI's output sinks).
 */
export async function runCliInProcess(args: string[]): Promise<CliResult> {
  const { main } = await import('../../src/cli/main.ts');
  const { io } = await import('../../src/cli/io.ts');
  let stdout = '';
  let stderr = '';
  const saved = { ...io };
  io.out = (t) => void (stdout += t);
  io.err = (t) => void (stderr += t);
  try {
    const code = await main(['node', 'exp', ...args]);
    return { code, stdout, stderr };
  } finally {
    Object.assign(io, saved);
  }
}
