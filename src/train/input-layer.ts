// Training-time replacement of a first Dense layer's call, so that backpropagation does not
// compute the gradient with respect to the network's input.
//
// Why: tfjs-layers' Dense runs K.dot -> tf.fused.matMul. Under a gradient tape tfjs fuses only
// linear activations, so Dense layers whose activation is applied separately (tanh, sigmoid,
// selu, ...) go through the fused op, whose custom gradient always returns the gradients of all
// its inputs, including dL/dx = dY * W^T for the model input x that nothing consumes. For the
// shallow network (28 -> 1000 tanh) that product was ~10% of a wasm training step. With a plain
// tf.matMul the tape prunes it. The replacement computes the same thing as Dense.call for rank-2
// inputs (matMul, bias add, activation); only the summation order of the bias differs.
import * as tf from '@tensorflow/tfjs';

interface DenseLike {
  kernel?: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor } | null;
  activation?: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };
  call: (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
}

/** Activations tfjs fuses even under a tape (relu/elu/... are unfused there anyway); nothing to gain. */
const ALREADY_PRUNED = new Set(['relu', 'relu6', 'elu', 'linear', 'leakyrelu']);

/**
 * Patches the model's first layer (when it is a Dense layer whose activation goes through the
 * fused path) for training; returns the function that restores it.
 */
export function unfuseInputLayer(model: tf.LayersModel): () => void {
  const layer = model.layers[0] as unknown as (tf.layers.Layer & DenseLike) | undefined;
  if (!layer || (layer as tf.layers.Layer).getClassName() !== 'Dense' || !layer.kernel || !layer.activation) return () => {};
  if (ALREADY_PRUNED.has(layer.activation.getClassName().toLowerCase())) return () => {};
  const original = layer.call;
  const hadOwn = Object.prototype.hasOwnProperty.call(layer, 'call');
  layer.call = function (this: tf.layers.Layer & DenseLike, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.rank !== 2) return original.call(this, inputs, kwargs);
    return tf.tidy(() => {
      let y = tf.matMul(x, this.kernel!.read());
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.activation!.apply(y);
    });
  };
  return () => {
    if (hadOwn) layer.call = original;
    else delete (layer as Partial<DenseLike>).call;
  };
}
