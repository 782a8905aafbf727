// YAML activation names -> tfjs-layers activation identifiers.
import type { ActivationName } from './types.ts';

type TfjsActivation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'elu' | 'selu' | 'swish' | 'softplus';

export const ACTIVATIONS: Record<ActivationName, TfjsActivation> = {
  linear: 'linear',
  relu: 'relu',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  elu: 'elu',
  selu: 'selu',
  // tfjs's swish is x * sigmoid(x), as Keras's.
  swish: 'swish',
  softplus: 'softplus',
};
