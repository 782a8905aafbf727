// The spec's types, derived from the generated ones (src/spec/types.generated.ts, from the schema).
// Only structure is added here: a resolved model carries every training key.
import type {
  ResolvedData,
  ResolvedEarlyStopping,
  ResolvedEvaluation,
  ResolvedExperiment,
  ResolvedInitializer,
  ResolvedLayer,
  ResolvedModel as GeneratedResolvedModel,
  ResolvedOptimizer,
  ResolvedSchedule,
  ResolvedSplit,
  ResolvedTracking,
  ResolvedTraining,
  ResolvedMomentumSchedule,
  ResolvedDense,
  ResolvedDropout,
  ResolvedBatchNormalization,
  ResolvedActivationLayer,
  ResolvedActivation,
  ResolvedRegularizer,
  ResolvedInitializerConfig,
} from './types.generated.ts';

export type { Experiment as SpecAsWritten } from './types.generated.ts';

/** One model with every training key filled: its own value, else `training`'s, else the schema default. */
export type ResolvedModel = Omit<GeneratedResolvedModel, keyof ResolvedTraining> & { [K in keyof ResolvedTraining]-?: ResolvedTraining[K] };

/** The fully resolved spec handed to the runner: every key the schema has a default for is present. */
export type ResolvedSpec = Omit<ResolvedExperiment, 'models'> & { models: Record<string, ResolvedModel> };

export type LayerSpec = ResolvedLayer;
export type DenseLayerSpec = ResolvedDense;
export type DropoutLayerSpec = ResolvedDropout;
export type BatchNormalizationLayerSpec = ResolvedBatchNormalization;
export type ActivationLayerSpec = ResolvedActivationLayer;
export type ActivationName = ResolvedActivation;
export type InitializerSpec = ResolvedInitializer;
export type InitializerConfigSpec = ResolvedInitializerConfig;
export type RegularizerSpec = ResolvedRegularizer;
export type OptimizerSpec = ResolvedOptimizer;
export type OptimizerName = ResolvedOptimizer['name'];
export type ScheduleSpec = ResolvedSchedule;
export type MomentumScheduleSpec = ResolvedMomentumSchedule;
/** null: no early stopping. */
export type EarlyStoppingSpec = ResolvedEarlyStopping;
export type DataSpec = ResolvedData;
export type SplitSpec = ResolvedSplit;
export type EvaluationSpec = ResolvedEvaluation;
export type TrackingSpec = ResolvedTracking;
export type TrainingSpec = ResolvedTraining;
