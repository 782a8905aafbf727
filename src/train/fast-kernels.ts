// Kernel overrides that make dense-network training fast on the wasm backend.
//
// Why: tfjs-backend-wasm 4.x runs matMul without transposes through XNNPACK's fully-connected
// operator (~30 GFLOP/s on one core) but falls back to a naive loop when transposeA or transposeB
// is set (~3 GFLOP/s). Backpropagation through a dense layer needs exactly those products
// (dX = dY * W^T and dW = X^T * dY, emitted by the matMul gradient as BatchMatMul with
// transposes), so most of a training step was spent in the slow loop. We re-register the wasm
// BatchMatMul and _FusedMatMul kernels with a wrapper that materialises the transposed operand
// with the wasm Transpose kernel (memory-bound, O(n*m), small next to the O(n*m*k) product) and
// calls the original kernel without transposes. Where it moves less data we compute the
// transposed product instead ((W dY^T)^T for dY W^T at batch 100, (dY^T X)^T for X^T dY with
// few inputs): XNNPACK packs its right-hand operand into a new operator for every new tensor, at
// several times the cost of a copy, so the cheaper operand should be the one packed.
//
// Tanh: the wasm Tanh kernel is a scalar libm loop (~30x slower than its vectorised Sigmoid), and
// the shallow network's 1000 tanh units made it a third of a training step. We compute
// tanh(x) = 2 * sigmoid(2x) - 1 (absolute error < 2e-7 in float32); the gradient, computed from the
// output, is unchanged.
//
// Same results up to float32 summation order; a test compares them with the cpu backend.
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;
interface WasmBackendLike {
  disposeData(dataId: unknown): boolean;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): Info;
}

const MARK = Symbol.for('exp.fastKernel');
const ORIGINAL = Symbol.for('exp.originalKernel');
type MarkedConfig = tf.KernelConfig & { [MARK]?: true; [ORIGINAL]?: tf.KernelConfig };

const OVERRIDDEN = ['BatchMatMul', '_FusedMatMul', 'Tanh'] as const;

function kernel(name: string): tf.KernelConfig {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm kernel ${name} is not registered`);
  return k;
}

/** Runs another wasm kernel directly (no tape, no engine tensor): for use inside a kernel. */
function call(k: tf.KernelConfig, inputs: Record<string, Info>, backend: unknown, attrs: Record<string, unknown> = {}): Info {
  return k.kernelFunc({ inputs, backend, attrs } as unknown as KernelArgs) as Info;
}

function transposeLast2(x: Info, backend: unknown, transposeKernel: tf.KernelConfig): Info {
  const rank = x.shape.length;
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return call(transposeKernel, { x }, backend, { perm });
}

const outerSize = (shape: number[]): number => shape.slice(0, -2).reduce((p, d) => p * d, 1);

// Relative costs per element, measured on wasm SIMD: transposing is a memory copy; XNNPACK packs
// its right-hand operand into a new operator whenever that tensor is new (every step in
// training, as the weights and activations change) at several times a copy's cost.
const TRANSPOSE_COST = 1;
const PACK_COST = 5;

/**
 * op(a) * op(b) with exactly one transpose, computed as (op'(b) * op'(a))^T when that moves less
 * data: the product itself costs the same either way, but which operand gets packed and which
 * gets transposed differ. Returns null when the direct way is cheaper.
 */
function reorientedProduct(
  a: Info, b: Info, transposeA: boolean, original: tf.KernelConfig, transposeKernel: tf.KernelConfig, backend: WasmBackendLike, temps: Info[],
): Info | null {
  const [a0, a1] = a.shape.slice(-2);
  const [b0, b1] = b.shape.slice(-2);
  if (transposeA) {
    // a: [K, M], b: [K, N]; C = a^T b = (b^T a)^T.
    const [K, M, N] = [a0, a1, b1];
    const direct = TRANSPOSE_COST * K * M + PACK_COST * K * N;
    const flipped = TRANSPOSE_COST * K * N + PACK_COST * K * M + TRANSPOSE_COST * M * N;
    if (flipped >= direct) return null;
    const bT = transposeLast2(b, backend, transposeKernel);
    temps.push(bT);
    const ct = call(original, { a: bT, b: a }, backend, { transposeA: false, transposeB: false });
    temps.push(ct);
    return transposeLast2(ct, backend, transposeKernel);
  }
  // a: [M, K], b: [N, K]; C = a b^T = (b a^T)^T.
  const [M, K, N] = [a0, a1, b0];
  const direct = TRANSPOSE_COST * N * K + PACK_COST * N * K;
  const flipped = TRANSPOSE_COST * M * K + PACK_COST * M * K + TRANSPOSE_COST * M * N;
  if (flipped >= direct || b1 !== K) return null;
  const aT = transposeLast2(a, backend, transposeKernel);
  temps.push(aT);
  const ct = call(original, { a: b, b: aT }, backend, { transposeA: false, transposeB: false });
  temps.push(ct);
  return transposeLast2(ct, backend, transposeKernel);
}

function matMulKernel(original: tf.KernelConfig, isFused: boolean): tf.KernelFunc {
  const transposeKernel = kernel('Transpose');
  return (args: KernelArgs): Info | Info[] => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const inputs = { ...(args.inputs as Record<string, Info>) };
    const { a, b } = inputs;
    const temps: Info[] = [];
    try {
      const plain2d = a.shape.length === b.shape.length && outerSize(a.shape) === 1 && outerSize(b.shape) === 1;
      if (!isFused && plain2d && attrs.transposeA !== attrs.transposeB) {
        const alt = reorientedProduct(a, b, Boolean(attrs.transposeA), original, transposeKernel, backend, temps);
        if (alt) return alt;
      }
      if (attrs.transposeA) {
        inputs.a = transposeLast2(a, backend, transposeKernel);
        temps.push(inputs.a);
      }
      if (attrs.transposeB) {
        inputs.b = transposeLast2(b, backend, transposeKernel);
        temps.push(inputs.b);
      }
      return original.kernelFunc({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } } as KernelArgs);
    } finally {
      // The temporaries never became engine tensors, so the backend frees them directly.
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}

function tanhKernel(original: tf.KernelConfig): tf.KernelFunc {
  const mul = kernel('Multiply');
  const sub = kernel('Sub');
  const sigmoid = kernel('Sigmoid');
  return (args: KernelArgs): Info | Info[] => {
    const x = (args.inputs as { x: Info }).x;
    if (x.dtype !== 'float32') return original.kernelFunc(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const two = backend.makeOutput([], 'float32', undefined, new Float32Array([2]));
    const one = backend.makeOutput([], 'float32', undefined, new Float32Array([1]));
    const t1 = call(mul, { a: x, b: two }, backend);
    const t2 = call(sigmoid, { x: t1 }, backend);
    const t3 = call(mul, { a: t2, b: two }, backend);
    const out = call(sub, { a: t3, b: one }, backend);
    for (const t of [two, one, t1, t2, t3]) backend.disposeData(t.dataId);
    return out;
  };
}

function isInstalled(name: string): boolean {
  const k = tf.getKernel(name, 'wasm') as MarkedConfig | undefined;
  return k != null && k[MARK] === true;
}

function install(name: (typeof OVERRIDDEN)[number]): void {
  const original = tf.getKernel(name, 'wasm');
  if (!original) return;
  const kernelFunc = name === 'Tanh' ? tanhKernel(original) : matMulKernel(original, name === '_FusedMatMul');
  tf.unregisterKernel(name, 'wasm');
  // No setupFunc: the original's setup already ran when the backend initialised, and its closure
  // holds the bound wasm function we reach through original.kernelFunc.
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc, [MARK]: true, [ORIGINAL]: original } as MarkedConfig);
}

/**
 * Installs the overrides on the wasm backend (idempotent). Must run after the wasm backend has
 * initialised (its kernels' setup functions bind the wasm exports). Returns true when in place.
 */
export function installFastKernels(): boolean {
  if (!tf.getKernel('Transpose', 'wasm')) return false;
  for (const name of OVERRIDDEN) if (!isInstalled(name)) install(name);
  return fastKernelsInstalled();
}

/** True when every override is registered. */
export function fastKernelsInstalled(): boolean {
  return OVERRIDDEN.every(isInstalled);
}

/**
 * Puts the stock wasm kernels back (for the benchmark's plain-tfjs baseline and for tests).
 * Returns a function that re-installs the overrides.
 */
export function withOriginalKernels(): () => void {
  const saved: MarkedConfig[] = [];
  for (const name of OVERRIDDEN) {
    const k = tf.getKernel(name, 'wasm') as MarkedConfig | undefined;
    if (k?.[ORIGINAL]) {
      saved.push(k);
      tf.unregisterKernel(name, 'wasm');
      tf.registerKernel(k[ORIGINAL]);
    }
  }
  return () => {
    for (const k of saved) {
      tf.unregisterKernel(k.kernelName, 'wasm');
      tf.registerKernel(k);
    }
  };
}
