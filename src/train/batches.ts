// Mini-batch assembly from row-major float32 matrices into reused buffers: one allocation per fit,
// not per batch. Gathering rows by a permutation is a plain copy loop; for 28-column rows it beats
// `set(subarray())`, which allocates a view object per row.

export class BatchAssembler {
  readonly x: Float32Array;
  readonly y: Float32Array;

  constructor(
    private readonly srcX: Float32Array,
    private readonly srcY: Float32Array,
    private readonly cols: number,
    readonly batchSize: number,
  ) {
    this.x = new Float32Array(batchSize * cols);
    this.y = new Float32Array(batchSize);
  }

  /**
   * Fills the buffers with rows order[start .. start+n) (or rows start .. start+n when order is
   * null) and returns views of exactly n rows. The views alias the reused buffers: consume them
   * (e.g. upload as tensors) before the next call.
   */
  fill(order: Uint32Array | null, start: number, n: number): { x: Float32Array; y: Float32Array } {
    const { cols, srcX, srcY } = this;
    if (order === null) {
      // Contiguous rows: views into the source, no copy at all.
      return {
        x: srcX.subarray(start * cols, (start + n) * cols),
        y: srcY.subarray(start, start + n),
      };
    }
    const bx = this.x;
    const by = this.y;
    for (let i = 0; i < n; i++) {
      const r = order[start + i];
      const src = r * cols;
      const dst = i * cols;
      for (let c = 0; c < cols; c++) bx[dst + c] = srcX[src + c];
      by[i] = srcY[r];
    }
    return n === this.batchSize ? { x: bx, y: by } : { x: bx.subarray(0, n * cols), y: by.subarray(0, n) };
  }
}
