// The slices of the experiment spec that the model code reads, as written in YAML
// (snake_case keys). Kept local so src/model compiles before src/spec/types.ts lands;
// they mirror schema/experiment.schema.json `$defs` and the registry test checks the
// name lists against the schema so they cannot drift.

export type ActivationName = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'elu' | 'selu' | 'swish' | 'softplus';

export type InitializerName =
  | 'zeros'
  | 'ones'
  | 'glorot_normal'
  | 'glorot_uniform'
  | 'he_normal'
  | 'he_uniform'
  | 'lecun_normal'
  | 'lecun_uniform'
  | 'random_normal'
  | 'random_uniform';

export type InitializerSpec =
  | InitializerName
  | { name: InitializerName; mean?: number; stddev?: number; minval?: number; maxval?: number };

export type RegularizerSpec = { l1?: number; l2?: number } | null;

export interface DenseSpec {
  type: 'dense';
  units: number;
  activation?: ActivationName;
  use_bias?: boolean;
  kernel_initializer?: InitializerSpec;
  bias_initializer?: InitializerSpec;
  kernel_regularizer?: RegularizerSpec;
  bias_regularizer?: RegularizerSpec;
  repeat?: number;
}

export interface DropoutSpec {
  type: 'dropout';
  rate: number;
  repeat?: number;
}

export interface BatchNormalizationSpec {
  type: 'batch_normalization';
  momentum?: number;
  epsilon?: number;
  repeat?: number;
}

export interface ActivationLayerSpec {
  type: 'activation';
  activation: ActivationName;
  repeat?: number;
}

export type LayerSpec = DenseSpec | DropoutSpec | BatchNormalizationSpec | ActivationLayerSpec;
export type LayerType = LayerSpec['type'];

export type OptimizerName = 'sgd' | 'adam' | 'adamax' | 'nadam' | 'rmsprop' | 'adagrad';

export type ScheduleType = 'constant' | 'exponential' | 'step' | 'cosine';

export interface ScheduleSpec {
  type: ScheduleType;
  decay_rate?: number;
  floor?: number;
  gamma?: number;
  step_epochs?: number;
  decay_epochs?: number | null;
  alpha?: number;
}

export interface MomentumScheduleSpec {
  start: number;
  end: number;
  epochs: number;
}

export interface OptimizerSpec {
  name: OptimizerName;
  learning_rate?: number;
  momentum?: number;
  nesterov?: boolean;
  beta_1?: number;
  beta_2?: number;
  epsilon?: number;
  rho?: number;
  momentum_decay?: number;
  weight_decay?: number;
  clipnorm?: number | null;
  schedule?: ScheduleSpec;
  momentum_schedule?: MomentumScheduleSpec | null;
}

export type LossName = 'binary_crossentropy' | 'mean_squared_error';
