// Multi-threaded wasm in Node (src/train/wasm-threads.ts): it starts, and it trains exactly as one
// thread does (XNNPACK splits the output between threads, never a sum).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./fixtures/train-once.ts', import.meta.url));
const run = (threads: number): { device: string; losses: number[]; scores: number[] } =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, EXP_WASM_THREADS: String(threads) }, encoding: 'utf8', timeout: 60_000 }));

test('two XNNPACK threads give the same losses and scores as one', { skip: os.availableParallelism() < 2 ? 'one core' : false }, () => {
  const one = run(1);
  const two = run(2);
  assert.match(one.device, /wasm, 1 thread,/);
  assert.match(two.device, /wasm, 2 threads,/);
  assert.deepEqual(two.losses, one.losses);
  assert.deepEqual(two.scores, one.scores);
});
