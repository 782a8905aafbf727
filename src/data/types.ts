// The contract between data sources, the split, scalers and training: row-major float32
// matrices and float32 labels, never per-row JS objects (11M x 28 HIGGS is 1.23 GB).

/** A block of consecutive rows as a source yields them. */
export interface Chunk {
  /** rows x cols, row-major. */
  x: Float32Array;
  /** rows labels, 0 = background, 1 = signal. */
  y: Float32Array;
  rows: number;
}

/** A whole table in memory. */
export interface Table {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  cols: number;
  /** Column names, length cols. */
  columns: string[];
}

/** What a source says about itself before reading, for the run record and `exp data info`. */
export interface SourceDescription {
  /** Column names in file order (length = number of feature columns). */
  columns: string[];
  /** Rows available, when known without reading everything. */
  rows: number | null;
  /** Reproducibility fingerprint: a file's SHA-256, or the simulator's parameters. */
  fingerprint: Record<string, unknown>;
}

export interface DataSource {
  describe(): Promise<SourceDescription>;
  /** Yields consecutive chunks of at most chunkRows rows. */
  chunks(chunkRows: number): AsyncIterable<Chunk>;
}
