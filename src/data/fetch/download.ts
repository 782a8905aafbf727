// Downloads a file with undici: streamed to FILE.part, resumed with a Range request when a
// .part is there, verified with SHA-256, renamed into place only when complete and correct.
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { ExpError } from '../../errors.ts';
import { sha256File } from '../checksum.ts';
import { createProgress } from './progress.ts';

export interface DownloadOptions {
  url: string;
  dest: string;
  /** Expected SHA-256 (hex); null: none known, the caller records the computed one. */
  sha256: string | null;
  /** Shown before the progress bar. */
  label?: string;
  /** What to suggest when the network cannot be reached. */
  offlineHint?: string;
  progressStream?: NodeJS.WriteStream;
}

export interface DownloadResult {
  path: string;
  sha256: string;
  bytes: number;
  /** Bytes that were already there from an earlier, interrupted download. */
  resumedFrom: number;
}

const OFFLINE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNRESET']);

function errorCode(e: unknown): string | undefined {
  for (let cur = e as { code?: string; cause?: unknown; errors?: unknown[] } | undefined, depth = 0; cur && depth < 5; depth++) {
    if (cur.code && OFFLINE_CODES.has(cur.code)) return cur.code;
    if (Array.isArray(cur.errors) && cur.errors.length) cur = cur.errors[0] as typeof cur;
    else cur = cur.cause as typeof cur;
  }
  return (e as { code?: string })?.code;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

let dispatcher: Dispatcher | null = null;
/** UCI answers with redirects; undici 7 follows them through an interceptor. */
function agent(): Dispatcher {
  dispatcher ??= new Agent({ connectTimeout: 30_000 }).compose(interceptors.redirect({ maxRedirections: 5 }));
  return dispatcher;
}

export async function download(opts: DownloadOptions): Promise<DownloadResult> {
  const { url, dest } = opts;
  const part = `${dest}.part`;
  const have = await sizeOf(part);
  const host = new URL(url).host;

  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, { dispatcher: agent(), headers: have > 0 ? { range: `bytes=${have}-` } : {} });
  } catch (e) {
    const code = errorCode(e);
    if (code && OFFLINE_CODES.has(code)) {
      throw new ExpError('data', {
        message: `cannot reach ${host} (${code}): this machine seems to be offline or the server is down`,
        hint: opts.offlineHint ?? `download ${url} on another machine and copy it to ${dest}`,
      });
    }
    throw new ExpError('data', `download of ${url} failed: ${(e as Error).message}`);
  }

  let start = 0;
  if (res.statusCode === 206) {
    const m = /^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''));
    if (!m || Number(m[1]) !== have) {
      await res.body.dump();
      throw new ExpError('data', `${url}: the server resumed at an unexpected position (${String(res.headers['content-range'])}); delete ${part} and try again`);
    }
    start = have;
  } else if (res.statusCode === 416 && have > 0) {
    // The .part already holds the whole file; the checksum below decides.
    await res.body.dump();
    start = have;
  } else if (res.statusCode !== 200) {
    await res.body.dump();
    throw new ExpError('data', { message: `${url}: HTTP ${res.statusCode}`, hint: 'check the address (--mirror / EXP_DATA_MIRROR) or try again later' });
  }

  if (res.statusCode !== 416) {
    const length = Number(res.headers['content-length']);
    const total = Number.isFinite(length) && length > 0 ? start + length : null;
    const progress = createProgress(opts.label ?? dest, start, total, opts.progressStream);
    let received = start;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        received += chunk.length;
        progress.update(received);
        cb(null, chunk);
      },
    });
    try {
      // With a 200 reply (server ignored Range, or a fresh start) the .part is rewritten.
      await pipeline(res.body, counter, createWriteStream(part, { flags: start > 0 ? 'a' : 'w' }));
    } catch (e) {
      throw new ExpError('data', {
        message: `download of ${url} interrupted after ${received} bytes (${(e as Error).message})`,
        hint: `run the same command again to resume from ${part}`,
      });
    } finally {
      progress.stop();
    }
    if (total != null && received !== total) {
      throw new ExpError('data', { message: `download of ${url} ended after ${received} of ${total} bytes`, hint: `run the same command again to resume from ${part}` });
    }
  }

  const sha256 = await sha256File(part);
  if (opts.sha256 && opts.sha256.toLowerCase() !== sha256) {
    await rm(part, { force: true });
    throw new ExpError('data', {
      message: `checksum mismatch for ${url}: SHA-256 ${sha256}, expected ${opts.sha256.toLowerCase()}`,
      hint: 'the download was corrupt or the file changed upstream; it was deleted, run the command again (or pass --sha256 if the new file is trusted)',
    });
  }
  await rename(part, dest);
  return { path: dest, sha256, bytes: await sizeOf(dest), resumedFrom: start };
}
