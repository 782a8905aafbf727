// Backend choice without native TensorFlow (this project's machines cannot install it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { resetFallbackAnnouncement, selectBackend } from '../../src/train/backend.ts';
import { ExpError } from '../../src/errors.ts';

async function nativeInstalled(): Promise<boolean> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      return true;
    } catch {
      // absent
    }
  }
  return false;
}

const skip = (await nativeInstalled()) ? 'native TensorFlow is installed here' : false;

test('auto without native packages trains on wasm and says so once', { skip }, async () => {
  resetFallbackAnnouncement();
  const logs: string[] = [];
  const info = await selectBackend('auto', (m) => logs.push(m));
  assert.equal(info.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.match(info.device, /^CPU \(wasm, \d+ threads?(, SIMD)?/);
  assert.equal(info.packages['@tensorflow/tfjs-backend-wasm'], '4.22.0');
  assert.equal(info.packages['@tensorflow/tfjs'], tf.version.tfjs);
  assert.equal(logs.length, 1);
  assert.match(logs[0], /native TensorFlow not found.*tfjs-node-gpu.*wasm/);
  await selectBackend('auto', (m) => logs.push(m));
  assert.equal(logs.length, 1, 'said once per process');
});

test('an explicit tensorflow backend that is absent is a clear ExpError', { skip }, async () => {
  await assert.rejects(selectBackend('tensorflow', () => {}), (e: unknown) => {
    assert.ok(e instanceof ExpError);
    assert.match(e.message, /backend "tensorflow" is not available/);
    assert.match(e.message, /install @tensorflow\/tfjs-node-gpu/);
    assert.match(e.message, /CUDA/);
    return true;
  });
});

test('explicit cpu and wasm switch backends and report them', async () => {
  const cpu = await selectBackend('cpu', () => {});
  assert.equal(cpu.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.match(cpu.device, /pure JavaScript/);
  const wasm = await selectBackend('wasm', () => {});
  assert.equal(wasm.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  await assert.rejects(selectBackend('gpu' as never, () => {}), (e: unknown) => e instanceof ExpError && /unknown backend "gpu"/.test(e.message));
});
