import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ExpError } from '../errors.ts';

/** SHA-256 of a file, streamed (a 1.3 GB file never sits in memory). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const block of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(block as Buffer);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ExpError('data', { message: `${path}: no such file`, hint: 'check data.path (relative to the spec file)' });
    throw new ExpError('data', `${path}: cannot read (${(e as Error).message})`);
  }
  return hash.digest('hex');
}
