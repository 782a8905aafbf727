// Expected discovery significance at the best cut (Asimov, Cowan et al. 2011, eq. 97):
// Z = sqrt(2((s + b) ln(1 + s/b) - s)), with s = S eps_s and b = B eps_b for the expected
// signal and background yields S and B before the cut.
import type { RocCurve } from './roc.ts';

export function asimovZ(s: number, b: number): number {
  if (!(b > 0) || !(s >= 0)) return NaN;
  const x = s / b;
  // (1+x) ln(1+x) - x loses all digits to cancellation for small x; its series is exact there.
  const g = x < 1e-3 ? x * x * (0.5 - x / 6 + (x * x) / 12) : (1 + x) * Math.log1p(x) - x;
  return Math.sqrt(2 * b * g);
}

export interface BestCut {
  threshold: number;
  signal_efficiency: number;
  background_efficiency: number;
  s: number;
  b: number;
  z: number;
  /** Expected yields before the cut, as given. */
  signal_yield: number;
  background_yield: number;
  /** Cuts that kept fewer test background events than this were not considered. */
  min_background_events: number;
}

/**
 * The ROC corner maximising the Asimov Z. Cuts passing fewer than minBackgroundEvents test
 * background events are skipped: there b is set by a handful of events and Z by their luck.
 */
export function bestAsimovCut(curve: RocCurve, signalYield: number, backgroundYield: number, minBackgroundEvents = 10): BestCut | null {
  let best: BestCut | null = null;
  for (let k = 1; k < curve.fpr.length; k++) {
    if (curve.fp[k]! < minBackgroundEvents) continue;
    const s = signalYield * curve.tpr[k]!;
    const b = backgroundYield * curve.fpr[k]!;
    const z = asimovZ(s, b);
    if (Number.isFinite(z) && (best === null || z > best.z)) {
      best = {
        threshold: curve.thresholds[k]!,
        signal_efficiency: curve.tpr[k]!,
        background_efficiency: curve.fpr[k]!,
        s,
        b,
        z,
        signal_yield: signalYield,
        background_yield: backgroundYield,
        min_background_events: minBackgroundEvents,
      };
    }
  }
  return best;
}
