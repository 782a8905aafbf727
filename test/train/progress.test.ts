// Progress output: one plain line per epoch off a terminal; a redrawn bar on one.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createProgress, formatEpochLine } from '../../src/train/progress.ts';
import type { EpochMetrics } from '../../src/train/fit.ts';

const m = (epoch: number): EpochMetrics => ({
  epoch, loss: 0.61234, accuracy: 0.7, val_loss: 0.6, val_accuracy: 0.71, val_auc: 0.78, learning_rate: 0.001, seconds: 2.5, samples_per_s: 12345.6,
});

function capture(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { columns: number };
  s.isTTY = isTTY;
  s.columns = 120;
  let out = '';
  (s as unknown as PassThrough).on('data', (d: Buffer) => { out += d.toString(); });
  if (isTTY) Object.assign(s, { cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream: s, text: () => out };
}

test('off a terminal: exactly one line per epoch with the epoch metrics', () => {
  const c = capture(false);
  const p = createProgress({ stream: c.stream, label: 'deep' });
  for (const e of [1, 2]) {
    p.epochStart(e, 2, 1000);
    p.update(500, 0.7);
    p.update(1000, 0.65);
    p.epochEnd(m(e));
  }
  p.stop();
  const lines = c.text().trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.equal(lines[0], 'deep epoch 1/2  loss 0.6123  acc 0.7000  val_loss 0.6000  val_acc 0.7100  val_auc 0.7800  lr 0.00100  2.5s  12346 samples/s');
  assert.match(lines[1], /^deep epoch 2\/2 /);
});

test('on a terminal: a bar with samples, rate, ETA and running loss, then the epoch line', () => {
  const c = capture(true);
  const p = createProgress({ stream: c.stream });
  p.epochStart(1, 3, 1000);
  p.update(400, 0.6931);
  p.epochEnd(m(1));
  p.stop();
  const out = c.text();
  assert.match(out, /epoch 1\/3 \[.*\] 400\/1000 \| \d+ samples\/s \| ETA .* \| loss 0\.6931/);
  assert.ok(out.includes("epoch 1/3  loss 0.6123"));
});

test('the epoch line leaves out validation metrics when there is no validation set', () => {
  const line = formatEpochLine({ ...m(3), val_loss: null, val_accuracy: null, val_auc: null }, 10);
  assert.equal(line, 'epoch 3/10  loss 0.6123  acc 0.7000  lr 0.00100  2.5s  12346 samples/s');
});
