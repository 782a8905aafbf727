// Download progress: a cli-progress bar (bytes, rate, ETA) on a terminal, plain lines
// (every 10% or 10 s) when stderr is a pipe or file, so logs stay readable.
import cliProgress from 'cli-progress';

export interface Progress {
  update(bytes: number): void;
  stop(): void;
}

export function humanBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds > 99 * 3600) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (k: number) => String(k).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/**
 * @param start bytes already there (a resumed download): the rate counts only new bytes.
 * @param total expected size, or null when the server did not say.
 */
export function createProgress(label: string, start: number, total: number | null, stream: NodeJS.WriteStream = process.stderr): Progress {
  const t0 = Date.now();
  const stats = (bytes: number) => {
    const secs = Math.max(1e-3, (Date.now() - t0) / 1000);
    const rate = (bytes - start) / secs;
    return { rate, eta: total && rate > 0 ? (total - bytes) / rate : NaN };
  };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} {bar} {percentage}% | {done} / {all} | {speed}/s | ETA {left}`,
        stream,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total ?? 0, start, { done: humanBytes(start), all: total ? humanBytes(total) : '?', speed: '-', left: '--:--' });
    return {
      update(bytes) {
        const s = stats(bytes);
        bar.update(bytes, { done: humanBytes(bytes), speed: humanBytes(s.rate), left: eta(s.eta) });
      },
      stop: () => bar.stop(),
    };
  }
  let lastTime = 0;
  let lastDecile = -1;
  const line = (bytes: number) => {
    const s = stats(bytes);
    const pct = total ? ` (${((100 * bytes) / total).toFixed(0)}%)` : '';
    stream.write(`${label}: ${humanBytes(bytes)}${total ? ` of ${humanBytes(total)}` : ''}${pct}, ${humanBytes(s.rate)}/s, ETA ${eta(s.eta)}\n`);
  };
  return {
    update(bytes) {
      const decile = total ? Math.floor((10 * bytes) / total) : -1;
      const now = Date.now();
      if (decile !== lastDecile || now - lastTime > 10_000) {
        lastDecile = decile;
        lastTime = now;
        line(bytes);
      }
    },
    stop() {},
  };
}
