// The slices of the experiment spec that the model code reads, as written in YAML
// (snake_case keys; keys with a default optional, so both a spec as written and the
// resolved spec the runner passes are accepted). Aliases of the types generated from
// schema/experiment.schema.json, so they cannot drift from the schema.
import type {
  Activation,
  ActivationLayer,
  BatchNormalization,
  Dense,
  Dropout,
  Initializer,
  Layer,
  Model,
  MomentumSchedule,
  Optimizer,
  Regularizer,
  Schedule,
} from '../spec/types.generated.ts';

export type ActivationName = Activation;
export type InitializerSpec = Initializer;
export type InitializerName = Extract<Initializer, string>;
export type RegularizerSpec = Regularizer;
export type DenseSpec = Dense;
export type DropoutSpec = Dropout;
export type BatchNormalizationSpec = BatchNormalization;
export type ActivationLayerSpec = ActivationLayer;
export type LayerSpec = Layer;
export type LayerType = Layer['type'];
export type OptimizerSpec = Optimizer;
export type OptimizerName = Optimizer['name'];
export type ScheduleSpec = Schedule;
export type ScheduleType = Schedule['type'];
export type MomentumScheduleSpec = NonNullable<MomentumSchedule>;
export type LossName = NonNullable<Model['loss']>;
