// One sync per run directory at a time: the end of `exp run` and a hand-started `exp sync` must
// not both append the same metrics. An O_EXCL lock file holding the owner's pid; a lock whose
// process is gone (crash, kill -9) is taken over.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ExpError } from '../errors.ts';

export const LOCK_FILE = '.tracking.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function withSyncLock<T>(runDir: string, fn: () => Promise<T>): Promise<T> {
  const file = join(runDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (attempt > 0 || (Number.isInteger(pid) && pid > 0 && alive(pid))) {
        throw new ExpError('tracking', {
          message: `${runDir}: another sync of this run is in progress (pid ${pid || 'unknown'})`,
          hint: `wait for it to end; if no sync is running, delete ${file}`,
        });
      }
      await rm(file, { force: true }); // left behind by a process that is gone
    }
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}
