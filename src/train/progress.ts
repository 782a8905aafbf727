// Training progress: a cli-progress bar per epoch on a terminal, one plain line per epoch otherwise
// (logs, CI, pipes), so captured output stays readable.
import cliProgress from 'cli-progress';
import type { EpochMetrics } from './fit.ts';

export interface ProgressReporter {
  epochStart(epoch: number, epochs: number, samples: number): void;
  /** samplesDone within the epoch; runningLoss is the mean training loss so far this epoch. */
  update(samplesDone: number, runningLoss: number): void;
  epochEnd(metrics: EpochMetrics): void;
  /** Called once when training ends (normally, early or interrupted). */
  stop(): void;
}

export interface ProgressOptions {
  /** Model name shown before each line. */
  label?: string;
  stream?: NodeJS.WriteStream;
  /** Force bar (true) or plain lines (false); default: bar when the stream is a TTY. */
  tty?: boolean;
}

const fmt = (v: number | null | undefined, digits = 4): string =>
  v == null || !Number.isFinite(v) ? '-' : v.toFixed(digits);

/** One line summarising an epoch, used by both reporters. */
export function formatEpochLine(m: EpochMetrics, epochs: number, label?: string): string {
  const parts = [
    `${label ? `${label} ` : ''}epoch ${m.epoch}/${epochs}`,
    `loss ${fmt(m.loss)}`,
    `acc ${fmt(m.accuracy)}`,
  ];
  if (m.val_loss != null) parts.push(`val_loss ${fmt(m.val_loss)}`, `val_acc ${fmt(m.val_accuracy)}`, `val_auc ${fmt(m.val_auc)}`);
  parts.push(`lr ${m.learning_rate.toPrecision(3)}`, `${m.seconds.toFixed(1)}s`, `${Math.round(m.samples_per_s)} samples/s`);
  return parts.join('  ');
}

class PlainReporter implements ProgressReporter {
  private epochs = 0;
  constructor(private readonly stream: NodeJS.WritableStream, private readonly label?: string) {}
  epochStart(_epoch: number, epochs: number): void {
    this.epochs = epochs;
  }
  update(): void {}
  epochEnd(m: EpochMetrics): void {
    this.stream.write(formatEpochLine(m, this.epochs, this.label) + '\n');
  }
  stop(): void {}
}

class BarReporter implements ProgressReporter {
  private bar: cliProgress.SingleBar | null = null;
  private epochs = 0;
  private started = 0;
  constructor(private readonly stream: NodeJS.WriteStream, private readonly label?: string) {}

  epochStart(epoch: number, epochs: number, samples: number): void {
    this.epochs = epochs;
    this.started = performance.now();
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `${this.label ? `${this.label} ` : ''}epoch ${epoch}/${epochs} [{bar}] {value}/{total} | {rate} samples/s | ETA {eta_formatted} | loss {loss}`,
        barsize: 24,
        hideCursor: false,
        clearOnComplete: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(samples, 0, { rate: '-', loss: '-' });
  }

  update(samplesDone: number, runningLoss: number): void {
    if (!this.bar) return;
    const secs = (performance.now() - this.started) / 1000;
    this.bar.update(samplesDone, { rate: secs > 0 ? Math.round(samplesDone / secs) : '-', loss: fmt(runningLoss) });
  }

  epochEnd(m: EpochMetrics): void {
    this.bar?.stop();
    this.bar = null;
    this.stream.write(formatEpochLine(m, this.epochs, this.label) + '\n');
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/** A bar per epoch on a TTY, else one line per epoch. */
export function createProgress(opts: ProgressOptions = {}): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? Boolean(stream.isTTY);
  return tty ? new BarReporter(stream, opts.label) : new PlainReporter(stream, opts.label);
}

/** Reports nothing (tests, benchmarks). */
export const silentProgress: ProgressReporter = {
  epochStart() {},
  update() {},
  epochEnd() {},
  stop() {},
};
