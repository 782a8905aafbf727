// Feature scalers, fitted on the training part only and applied in place to every part.
// Statistics accumulate in float64: summing 11M float32 values in float32 loses digits.
import { ExpError } from '../../errors.ts';

export type ScalerName = 'standard' | 'minmax' | 'none';
export const SCALER_NAMES: readonly ScalerName[] = ['standard', 'minmax', 'none'];

export interface ScalerJSON {
  kind: ScalerName;
  /** Per column: x' = (x - shift[c]) * scale[c]. */
  shift: number[];
  scale: number[];
  /** What the numbers mean, for a human reading scaler.json. */
  stats?: Record<string, number[]>;
}

export interface Scaler {
  readonly kind: ScalerName;
  readonly cols: number;
  /** Scales rows x cols row-major values in place. */
  transform(x: Float32Array, rows: number, cols: number): void;
  toJSON(): ScalerJSON;
}

class AffineScaler implements Scaler {
  constructor(
    readonly kind: ScalerName,
    private readonly shift: Float64Array,
    private readonly scale: Float64Array,
    private readonly stats?: Record<string, number[]>,
  ) {}

  get cols(): number {
    return this.shift.length;
  }

  transform(x: Float32Array, rows: number, cols: number): void {
    if (cols !== this.shift.length) throw new ExpError('data', `scaler fitted on ${this.shift.length} columns, applied to ${cols}`);
    if (x.length < rows * cols) throw new RangeError(`scaler: ${x.length} values for ${rows} x ${cols}`);
    if (this.kind === 'none') return;
    const { shift, scale } = this;
    for (let r = 0, i = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++, i++) x[i] = (x[i] - shift[c]) * scale[c];
    }
  }

  toJSON(): ScalerJSON {
    return { kind: this.kind, shift: [...this.shift], scale: [...this.scale], ...(this.stats ? { stats: this.stats } : {}) };
  }
}

function fitStandard(x: Float32Array, rows: number, cols: number): Scaler {
  // Two passes (mean, then squared deviations) for accuracy; population variance as sklearn's StandardScaler.
  const mean = new Float64Array(cols);
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < cols; c++, i++) mean[c] += x[i];
  for (let c = 0; c < cols; c++) mean[c] /= rows;
  const m2 = new Float64Array(cols);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++, i++) {
      const d = x[i] - mean[c];
      m2[c] += d * d;
    }
  }
  const std = m2.map((v) => Math.sqrt(v / rows));
  // A constant column keeps scale 1 (as sklearn does), so it maps to 0 instead of NaN.
  const scale = std.map((s) => (s > 0 ? 1 / s : 1));
  return new AffineScaler('standard', mean, scale, { mean: [...mean], std: [...std] });
}

function fitMinMax(x: Float32Array, rows: number, cols: number): Scaler {
  const min = new Float64Array(cols).fill(Infinity);
  const max = new Float64Array(cols).fill(-Infinity);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++, i++) {
      const v = x[i];
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
  }
  const scale = min.map((lo, c) => (max[c] > lo ? 1 / (max[c] - lo) : 1));
  return new AffineScaler('minmax', min, scale, { min: [...min], max: [...max] });
}

function fitNone(_x: Float32Array, _rows: number, cols: number): Scaler {
  return new AffineScaler('none', new Float64Array(cols), new Float64Array(cols).fill(1));
}

export const scalers: Record<ScalerName, { fit(x: Float32Array, rows: number, cols: number): Scaler }> = {
  standard: { fit: fitStandard },
  minmax: { fit: fitMinMax },
  none: { fit: fitNone },
};

/** Fits the named scaler on rows x cols values (the training part only). */
export function fitScaler(kind: ScalerName, x: Float32Array, rows: number, cols: number): Scaler {
  const entry = scalers[kind];
  if (!entry) throw new ExpError('spec', { path: 'scaler', message: `unknown scaler "${String(kind)}"`, hint: `one of ${SCALER_NAMES.join(', ')}` });
  if (rows < 1) throw new ExpError('data', 'cannot fit a scaler on zero rows');
  return entry.fit(x, rows, cols);
}

/** Rebuilds a scaler from its toJSON() (scaler.json of a run). */
export function scalerFromJSON(json: unknown): Scaler {
  const j = json as Partial<ScalerJSON> | null;
  const isNums = (a: unknown): a is number[] => Array.isArray(a) && a.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!j || !SCALER_NAMES.includes(j.kind as ScalerName) || !isNums(j.shift) || !isNums(j.scale) || j.shift.length !== j.scale.length) {
    throw new ExpError('data', { message: 'invalid scaler JSON', hint: 'expected {kind: standard|minmax|none, shift: number[], scale: number[]}' });
  }
  return new AffineScaler(j.kind as ScalerName, Float64Array.from(j.shift), Float64Array.from(j.scale), j.stats);
}
