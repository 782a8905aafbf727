// Git commit and dirty flag of a working directory, or null when it is not a repository (or
// git is not installed). Never throws: a run record without git info is still a run record.
import { execFileSync } from 'node:child_process';

export interface GitInfo {
  commit: string;
  dirty: boolean;
}

export function gitInfo(cwd: string = process.cwd()): GitInfo | null {
  try {
    const opts = { cwd, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'], timeout: 5000 };
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], opts).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts);
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return null;
  }
}
