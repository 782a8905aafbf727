// The event loop: label, decay chain, detector, reconstruction, unit conversion, written
// straight into the caller's row-major Float32Array. One generator is one sequential random
// stream, so the events are the same whatever sizes the caller fills them in.
//
// Two independent streams: labels come from `label`, physics from `physics`. The label of event
// i therefore depends only on the seed and i, not on how many events the acceptance rejected.
// Rejected events are regenerated (same class) until one passes, so counts are exact.
import { Rng } from '../../../util/rng.ts';
import { backgroundEvent, signalEvent } from './decays.ts';
import { Detector, L_JET, N_LOW } from './detector.ts';
import { N_HIGH, reconstruct } from './reconstruct.ts';
import { SLOTS } from './slots.ts';
import { multipliers, type Units } from './units.ts';

export const N_COLUMNS = N_LOW + N_HIGH; // 28

export class HiggsSimGenerator {
  private readonly labelRng: Rng;
  private readonly physRng: Rng;
  private readonly p = new Float64Array(4 * SLOTS);
  private readonly low = new Float64Array(N_LOW);
  private readonly high = new Float64Array(N_HIGH);
  private readonly tags = new Float64Array(4);
  private readonly mul: Float64Array;
  private readonly detector = new Detector();
  /** Events tried and accepted so far (acceptance = accepted / tried). */
  tried = 0;
  accepted = 0;

  constructor(
    seed: number,
    private readonly signalFraction: number,
    units: Units,
  ) {
    const root = new Rng(seed);
    this.labelRng = root.fork('label');
    this.physRng = root.fork('physics');
    this.mul = multipliers(units);
  }

  /** Writes the next `rows` events to x (rows x 28, from row offset `start`) and y. */
  fill(x: Float32Array, y: Float32Array, rows: number, start = 0): void {
    const { p, low, high, tags, mul, detector } = this;
    const rng = this.physRng;
    for (let r = start; r < start + rows; r++) {
      const signal = this.labelRng.uniform() < this.signalFraction;
      for (;;) {
        this.tried++;
        if (signal) signalEvent(p, rng);
        else backgroundEvent(p, rng);
        if (detector.measure(p, low, rng)) break;
      }
      this.accepted++;
      for (let j = 0; j < 4; j++) tags[j] = low[L_JET + 4 * j + 3];
      reconstruct(p, detector.metX, detector.metY, tags, high);
      const o = r * N_COLUMNS;
      for (let c = 0; c < N_LOW; c++) x[o + c] = low[c] * mul[c];
      for (let c = 0; c < N_HIGH; c++) x[o + N_LOW + c] = high[c] * mul[N_LOW + c];
      y[r] = signal ? 1 : 0;
    }
  }
}
