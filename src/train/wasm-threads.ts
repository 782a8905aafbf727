// Multi-threaded wasm (XNNPACK thread pool) in Node.
//
// tfjs-backend-wasm ships a threaded SIMD build but disables it in Node (flag
// WASM_HAS_MULTITHREAD_SUPPORT is false there, tfjs issue #3830): its Emscripten loader hands the
// pthread workers blob: URLs, which Node's worker_threads cannot load. What we found and do here,
// only during backend initialisation:
//  - force the flag, and capture the two scripts the loader wraps in Blobs (the worker and the
//    main module factory) by wrapping the Blob constructor; URL.createObjectURL then returns a
//    temporary file path instead of a blob: URL. The worker file gets a prelude that points its own
//    createObjectURL at the main-script file, and the main script gets the bundle-level variables
//    its factory closes over (rollup's require$$N, commonjsGlobal).
//  - the C++ side caps the pool at os.cpus().length / 2 (it assumes hyper-threading), so one
//    thread on a 2-core machine; we report `threads * 2` CPUs while the module initialises.
//  - unref the workers so that they do not keep the process alive.
// On any failure the caller falls back to the single-threaded build.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

interface PThreadWorker {
  unref?: () => void;
}
interface WasmModuleLike {
  PThread?: { unusedWorkers: PThreadWorker[]; runningWorkers: PThreadWorker[] };
}

/** `var require$$0 = require('fs');` lines of the Node bundle, which the factory's source refers to. */
function bundleRequires(): string {
  const require = createRequire(import.meta.url);
  const file = require.resolve('@tensorflow/tfjs-backend-wasm');
  const src = fs.readFileSync(file, 'utf8').slice(0, 5000);
  const lines = src.match(/^var require\$\$\d+ = require\('[a-z_]+'\);$/gm) ?? [];
  return lines.join('\n');
}

/**
 * Initialises the wasm backend with `threads` XNNPACK threads. Returns the thread count in use,
 * or null when the threaded build could not be started (the backend is then not initialised and
 * the flag is reset, so a plain setBackend('wasm') gives the single-threaded build).
 */
export async function initThreadedWasm(wasm: typeof import('@tensorflow/tfjs-backend-wasm'), threads: number): Promise<number | null> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exp-tfjs-wasm-'));
  const NativeBlob = globalThis.Blob;
  const origCreateObjectURL = URL.createObjectURL;
  const origCpus = os.cpus;
  const texts = new WeakMap<Blob, string>();
  let mainScript: string | null = null;
  const prelude = `${bundleRequires()}\nvar commonjsGlobal = globalThis;\n`;

  globalThis.Blob = function (this: unknown, parts: unknown[], opts?: { type?: string }): Blob {
    const blob = new NativeBlob(parts as ConstructorParameters<typeof Blob>[0], opts);
    const text = parts.map((p) => (typeof p === 'string' ? p : '')).join('');
    texts.set(blob, text);
    if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
      mainScript = path.join(dir, 'main.cjs');
      fs.writeFileSync(mainScript, prelude + text);
    }
    return blob;
  } as unknown as typeof Blob;
  URL.createObjectURL = (obj: Blob): string => {
    const text = texts.get(obj);
    if (text == null || mainScript == null) return origCreateObjectURL(obj);
    const worker = path.join(dir, 'worker.cjs');
    const redirect = `URL.createObjectURL = () => ${JSON.stringify(mainScript)}; URL.revokeObjectURL = () => {};\n`;
    fs.writeFileSync(worker, redirect + text);
    return worker;
  };
  os.cpus = () => {
    const c = origCpus();
    return Array.from({ length: threads * 2 }, (_, i) => c[i % c.length]);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  // Workers may read the scripts after initialisation returns: remove them at exit.
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
    if (ok) await tf.ready();
  } catch {
    ok = false;
  } finally {
    globalThis.Blob = NativeBlob;
    URL.createObjectURL = origCreateObjectURL;
    os.cpus = origCpus;
  }
  if (!ok) {
    // tfjs keeps the factory registered after a failed init: the next setBackend('wasm') retries,
    // and with the flag off it loads the single-threaded SIMD build.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setThreadsCount(1);
    return null;
  }
  const mod = (tf.backend() as unknown as { wasm: WasmModuleLike }).wasm;
  for (const w of [...(mod.PThread?.unusedWorkers ?? []), ...(mod.PThread?.runningWorkers ?? [])]) w.unref?.();
  return wasm.getThreadsCount();
}
