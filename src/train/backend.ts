// Chooses and initialises the tfjs backend: native TensorFlow (CUDA, then CPU) when the optional
// packages load, else wasm, else the pure-JS cpu backend. The native packages are
// optionalDependencies whose install script downloads libtensorflow, so on machines that reach
// only the npm registry they are simply absent; we detect that with a dynamic import.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ExpError } from '../errors.ts';
import { installFastKernels } from './fast-kernels.ts';
import { initThreadedWasm } from './wasm-threads.ts';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** tfjs backend name actually in use: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** Human-readable device, e.g. "CPU (wasm, 1 thread, SIMD)" or "GPU (NVIDIA H100, CUDA)". */
  device: string;
  /** Versions of tfjs and of the backend package(s) in use. */
  packages: Record<string, string>;
}

const GPU_HINT =
  'install @tensorflow/tfjs-node-gpu (needs CUDA 11.2 + cuDNN 8.1 and internet access for its libtensorflow download) ' +
  'or @tensorflow/tfjs-node for native CPU';

/** Loads a native package; null when it is not installed or its binding fails to load. */
async function tryImport(pkg: string): Promise<Record<string, unknown> | null> {
  try {
    return (await import(pkg)) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function pkgVersion(pkg: string): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

function gpuName(): string | null {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      encoding: 'utf8',
      timeout: 3000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const first = out.split('\n').map((s) => s.trim()).filter(Boolean)[0];
    return first ?? null;
  } catch {
    return null;
  }
}

function cpuModel(): string {
  const cpus = os.cpus();
  return cpus.length ? `${cpus[0].model.trim()}, ${cpus.length} cores` : 'unknown CPU';
}

/** Native TensorFlow: returns info, or null when neither native package loads. */
async function tryNative(): Promise<BackendInfo | null> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    const mod = await tryImport(pkg);
    if (!mod) continue;
    // Importing registers the 'tensorflow' backend with the shared tfjs-core.
    if (!(await tf.setBackend('tensorflow'))) continue;
    await tf.ready();
    const isGpu = pkg.endsWith('-gpu');
    const gpu = isGpu ? gpuName() : null;
    const device = isGpu ? `GPU (${gpu ?? 'CUDA device'}, CUDA via libtensorflow)` : `CPU (native TensorFlow, ${cpuModel()})`;
    return {
      name: 'tensorflow',
      device,
      packages: { ...baseVersions(), [pkg]: pkgVersion(pkg) ?? 'unknown' },
    };
  }
  return null;
}

function baseVersions(): Record<string, string> {
  return { '@tensorflow/tfjs': tf.version.tfjs, '@tensorflow/tfjs-core': tf.version['tfjs-core'] };
}

let wasmPathsSet = false;
let threadedFailed = false;

/**
 * XNNPACK threads for wasm: EXP_WASM_THREADS when set (1 disables threading), else one per
 * available core up to 8 (the size of the build's worker pool).
 */
export function wasmThreads(): number {
  const env = process.env.EXP_WASM_THREADS;
  if (env != null && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1) return Math.min(n, 8);
  }
  return Math.min(typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length, 8);
}

/** wasm backend; null when it cannot be initialised. */
async function tryWasm(log: (msg: string) => void): Promise<BackendInfo | null> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch {
    return null;
  }
  if (!wasmPathsSet && tf.findBackend('wasm') == null) {
    // The Node build locates its .wasm next to itself, but bundlers and some loaders break that;
    // pointing it at the package's dist/ explicitly makes it independent of how we were loaded.
    try {
      const require = createRequire(import.meta.url);
      const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      wasm.setWasmPaths(path.join(dir, 'dist') + path.sep);
      wasmPathsSet = true;
    } catch {
      // Already initialised (setWasmPaths throws then): the binaries were found before.
    }
  }
  let ok = false;
  const wanted = wasmThreads();
  if (wanted > 1 && tf.findBackend('wasm') == null && !threadedFailed) {
    let got: number | null;
    try {
      got = await initThreadedWasm(wasm, wanted);
    } catch {
      got = null; // e.g. no writable temp directory for the worker scripts
    }
    ok = got != null;
    if (!ok) {
      threadedFailed = true;
      log('multi-threaded wasm could not start; using one thread');
    }
  }
  try {
    if (!ok) {
      ok = await tf.setBackend('wasm');
      await tf.ready();
    }
  } catch (e) {
    log(`wasm backend failed to initialise: ${(e as Error).message ?? String(e)}`);
    return null;
  }
  if (!ok) return null;
  installFastKernels();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  let threads: number;
  try {
    threads = wasm.getThreadsCount();
  } catch {
    threads = 1;
  }
  return {
    name: 'wasm',
    device: `CPU (wasm, ${threads} thread${threads === 1 ? '' : 's'}${simd ? ', SIMD' : ''}; ${cpuModel()})`,
    packages: { ...baseVersions(), '@tensorflow/tfjs-backend-wasm': wasm.version_wasm },
  };
}

async function useCpu(): Promise<BackendInfo> {
  await tf.setBackend('cpu');
  await tf.ready();
  return {
    name: 'cpu',
    device: `CPU (pure JavaScript; ${cpuModel()})`,
    packages: { ...baseVersions(), '@tensorflow/tfjs-backend-cpu': tf.version['tfjs-backend-cpu'] },
  };
}

let fallbackAnnounced = false;

/**
 * Selects and initialises the backend. `auto` prefers tfjs-node-gpu, then tfjs-node, then wasm,
 * then cpu, and says once per process when it falls back to wasm. An explicit choice that is not
 * available throws an ExpError saying how to enable it.
 */
export async function selectBackend(choice: BackendChoice, log: (msg: string) => void): Promise<BackendInfo> {
  switch (choice) {
    case 'tensorflow': {
      const info = await tryNative();
      if (info) return info;
      throw new ExpError('run', {
        message: 'backend "tensorflow" is not available: neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node could be loaded',
        hint: `${GPU_HINT}; or use --backend auto / wasm`,
      });
    }
    case 'wasm': {
      const info = await tryWasm(log);
      if (info) return info;
      throw new ExpError('run', {
        message: 'backend "wasm" is not available: @tensorflow/tfjs-backend-wasm could not be loaded or initialised',
        hint: 'reinstall dependencies with `npm install`, or use --backend cpu',
      });
    }
    case 'cpu':
      return useCpu();
    case 'auto': {
      const native = await tryNative();
      if (native) return native;
      const info = await tryWasm(log);
      if (info) {
        if (!fallbackAnnounced) {
          fallbackAnnounced = true;
          log('native TensorFlow not found (install @tensorflow/tfjs-node-gpu for CUDA); training on wasm');
        }
        return info;
      }
      log('neither native TensorFlow nor wasm could be loaded; training on the pure-JS cpu backend (slow)');
      return useCpu();
    }
    default:
      throw new ExpError('usage', {
        message: `unknown backend "${String(choice)}"`,
        hint: 'use one of auto, tensorflow, wasm, cpu',
      });
  }
}

/** For tests: forget that the wasm fallback was announced. */
export function resetFallbackAnnouncement(): void {
  fallbackAnnounced = false;
}
