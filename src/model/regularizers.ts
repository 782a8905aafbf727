// Weight penalties: l1 * sum|w| + l2 * sum w^2 (tfjs's L1L2 has exactly Keras's form).
// The layers register them; `totalLoss` in losses.ts adds them to the data loss.
import * as tf from '@tensorflow/tfjs';
import type { RegularizerSpec } from './types.ts';

/** The factors a regularizer accepts, keyed by their YAML names. */
export const REGULARIZERS = {
  l1: { description: 'factor of sum |w|' },
  l2: { description: 'factor of sum w^2' },
} as const;

export function tfjsRegularizer(spec: RegularizerSpec | undefined): ReturnType<typeof tf.regularizers.l1l2> | undefined {
  if (spec == null) return undefined;
  const l1 = spec.l1 ?? 0;
  const l2 = spec.l2 ?? 0;
  if (l1 === 0 && l2 === 0) return undefined;
  return tf.regularizers.l1l2({ l1, l2 });
}
