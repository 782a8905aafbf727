// Opens a text file, gunzipping it on the fly when it starts with the gzip magic bytes
// (whatever its name), and yields decoded UTF-8 blocks.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ExpError } from '../../errors.ts';

export async function isGzip(path: string): Promise<boolean> {
  const fh = await openOrExplain(path);
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

async function openOrExplain(path: string) {
  try {
    return await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ExpError('data', { message: `${path}: no such file`, hint: 'check the file name' });
    if (code === 'EISDIR') throw new ExpError('data', `${path}: is a directory, not a file`);
    throw new ExpError('data', `${path}: cannot open (${code ?? String(e)})`);
  }
}

/** Decoded text blocks of the (possibly gzipped) file. Errors become ExpErrors naming the file. */
export async function* textBlocks(path: string): AsyncGenerator<string> {
  const gz = await isGzip(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream: Readable = gz ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  stream.setEncoding('utf8');
  try {
    for await (const block of stream) yield block as string;
  } catch (e) {
    if (e instanceof ExpError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (gz && code.startsWith('Z_')) throw new ExpError('data', { message: `${path}: corrupt or truncated gzip data (${(e as Error).message})`, hint: 'download the file again' });
    throw new ExpError('data', `${path}: read failed (${(e as Error).message})`);
  } finally {
    stream.destroy();
    raw.destroy();
  }
}
