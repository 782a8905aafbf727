// Public API of the model area: compiler, summary, optimizers, schedules, losses.
// Importing it also registers the custom classes (SeededDropout, Exp* optimizers) with
// tfjs serialization, which tf.loadLayersModel needs for models saved by exp.
export { compileModel, expandLayers, type CompileOptions, type ExpandedLayer } from './compile.ts';
export { summarize, formatShape, type ModelSummary, type LayerSummary } from './summary.ts';
export { LAYERS } from './layers/index.ts';
export { SeededDropout } from './layers/seeded-dropout.ts';
export { ACTIVATIONS } from './activations.ts';
export { INITIALIZERS, sampleInitializer, weightRng } from './initializers.ts';
export { REGULARIZERS } from './regularizers.ts';
export {
  OPTIMIZERS,
  createOptimizer,
  baseLearningRate,
  optimizerSpecProblems,
  ExpOptimizer,
  ExpSGD,
  ExpAdam,
  ExpAdamax,
  ExpNadam,
  ExpRMSprop,
  ExpAdagrad,
} from './optimizers/index.ts';
export { SCHEDULES, learningRateAt, momentumAt, applyHyperparameters, scheduleProblems, type TrainingPosition } from './schedules.ts';
export { LOSSES, EPSILON, binaryCrossentropy, meanSquaredError, regularizationLoss, totalLoss, type LossFn } from './losses.ts';
export type * from './types.ts';
