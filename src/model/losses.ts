// Losses keyed by their YAML names, with Keras semantics, plus the total training loss
// (data loss + the layers' regularization penalties).
import * as tf from '@tensorflow/tfjs';
import type { LossName } from './types.ts';

/** Keras's backend epsilon. */
export const EPSILON = 1e-7;

export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

/** Keras binary_crossentropy on probabilities: clip to [eps, 1-eps], mean over the last axis, then over the batch. */
export function binaryCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON);
    const y = tf.cast(yTrue, 'float32');
    const ll = tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))));
    return tf.neg(tf.mean(tf.mean(ll, -1))) as tf.Scalar;
  });
}

/** Keras mean_squared_error: mean over the last axis, then over the batch. */
export function meanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.mean(tf.squaredDifference(tf.cast(yTrue, 'float32'), yPred), -1)) as tf.Scalar);
}

export const LOSSES: Record<LossName, LossFn> = {
  binary_crossentropy: binaryCrossentropy,
  mean_squared_error: meanSquaredError,
};

/**
 * The layers' regularization penalties, collected layer by layer: a tfjs Sequential's own
 * calculateLosses() is empty until the model has been built by a first call.
 */
function penaltyTerms(model: tf.LayersModel): tf.Scalar[] {
  return model.layers.flatMap((layer) => layer.calculateLosses());
}

/** Sum of the model's regularization penalties (l1/l2 on kernels and biases); 0 when there are none. */
export function regularizationLoss(model: tf.LayersModel): tf.Scalar {
  return tf.tidy(() => {
    const terms = penaltyTerms(model);
    return (terms.length === 0 ? tf.scalar(0) : tf.addN(terms)) as tf.Scalar;
  });
}

/**
 * The loss the optimizer minimises: data loss (mean over the batch) + regularization
 * penalties, as Keras's model.fit computes it. Use inside tf.variableGrads / optimizer.minimize.
 */
export function totalLoss(model: tf.LayersModel, yTrue: tf.Tensor, yPred: tf.Tensor, lossName: LossName): tf.Scalar {
  return tf.tidy(() => {
    const data = LOSSES[lossName](yTrue, yPred);
    const terms = penaltyTerms(model);
    return (terms.length === 0 ? data : tf.addN([data, ...terms])) as tf.Scalar;
  });
}
