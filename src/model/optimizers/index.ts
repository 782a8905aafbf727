// Optimizer registry keyed by the YAML names, and the spec -> optimizer factory.
import { ExpError, type Problem } from '../../errors.ts';
import type { OptimizerName, OptimizerSpec } from '../types.ts';
import { ExpAdagrad } from './adagrad.ts';
import { ExpAdam } from './adam.ts';
import { ExpAdamax } from './adamax.ts';
import type { BaseOptimizerConfig, ExpOptimizer } from './base.ts';
import { ExpNadam } from './nadam.ts';
import { ExpRMSprop } from './rmsprop.ts';
import { ExpSGD } from './sgd.ts';

export { ExpOptimizer } from './base.ts';
export { ExpAdagrad, ExpAdam, ExpAdamax, ExpNadam, ExpRMSprop, ExpSGD };

/** Keys every optimizer accepts. */
const COMMON_KEYS = ['name', 'learning_rate', 'weight_decay', 'clipnorm', 'schedule'] as const;

interface OptimizerEntry {
  /** Keras's default learning rate. */
  defaultLearningRate: number;
  /** Optimizer-specific YAML keys (besides COMMON_KEYS). */
  keys: readonly string[];
  create(spec: OptimizerSpec, base: BaseOptimizerConfig): ExpOptimizer;
}

export const OPTIMIZERS: Record<OptimizerName, OptimizerEntry> = {
  sgd: {
    defaultLearningRate: 0.01,
    keys: ['momentum', 'nesterov', 'momentum_schedule'],
    create: (s, base) => new ExpSGD({ ...base, momentum: s.momentum_schedule?.start ?? s.momentum, nesterov: s.nesterov }),
  },
  adam: {
    defaultLearningRate: 0.001,
    keys: ['beta_1', 'beta_2', 'epsilon'],
    create: (s, base) => new ExpAdam({ ...base, beta1: s.beta_1, beta2: s.beta_2, epsilon: s.epsilon }),
  },
  adamax: {
    defaultLearningRate: 0.001,
    keys: ['beta_1', 'beta_2', 'epsilon'],
    create: (s, base) => new ExpAdamax({ ...base, beta1: s.beta_1, beta2: s.beta_2, epsilon: s.epsilon }),
  },
  nadam: {
    defaultLearningRate: 0.001,
    keys: ['beta_1', 'beta_2', 'epsilon', 'momentum_decay'],
    create: (s, base) =>
      new ExpNadam({ ...base, beta1: s.beta_1, beta2: s.beta_2, epsilon: s.epsilon, momentumDecay: s.momentum_decay }),
  },
  rmsprop: {
    defaultLearningRate: 0.001,
    keys: ['rho', 'momentum', 'epsilon'],
    create: (s, base) => new ExpRMSprop({ ...base, rho: s.rho, momentum: s.momentum_schedule?.start ?? s.momentum, epsilon: s.epsilon }),
  },
  adagrad: {
    defaultLearningRate: 0.001,
    keys: ['epsilon'],
    create: (s, base) => new ExpAdagrad({ ...base, epsilon: s.epsilon }),
  },
};

/**
 * Keys set in an optimizer spec that this optimizer does not use (the schema says they are
 * rejected; the schema alone cannot express which belong to which optimizer).
 * `path` is the spec path of the optimizer block, e.g. `models.deep.optimizer`.
 */
export function optimizerSpecProblems(spec: OptimizerSpec, path = 'optimizer'): Problem[] {
  const entry = OPTIMIZERS[spec.name];
  if (entry == null) {
    return [{ path: `${path}.name`, message: `unknown optimizer '${String(spec.name)}'`, hint: `use one of ${Object.keys(OPTIMIZERS).join(', ')}` }];
  }
  const allowed = new Set<string>([...COMMON_KEYS, ...entry.keys]);
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(spec)) {
    if (allowed.has(key)) continue;
    // null is how YAML writes "not set" for nullable keys; harmless.
    if (value === null || value === undefined) continue;
    const users = (Object.keys(OPTIMIZERS) as OptimizerName[]).filter((n) => OPTIMIZERS[n].keys.includes(key));
    problems.push({
      path: `${path}.${key}`,
      message: `${spec.name} does not use '${key}'`,
      hint: users.length > 0 ? `'${key}' applies to ${users.join(', ')}; remove it or change the optimizer` : 'remove it',
    });
  }
  return problems;
}

/**
 * A fresh optimizer for one model. Momentum starts at momentum_schedule.start when a ramp is
 * set; the training loop sets `learningRate` (and `setMomentum`) before each step from
 * learningRateAt / momentumAt in schedules.ts.
 */
export function createOptimizer(spec: OptimizerSpec): ExpOptimizer {
  const entry = OPTIMIZERS[spec.name];
  if (entry == null) {
    throw new ExpError('spec', optimizerSpecProblems(spec));
  }
  return entry.create(spec, {
    learningRate: spec.learning_rate ?? entry.defaultLearningRate,
    weightDecay: spec.weight_decay ?? 0,
    clipnorm: spec.clipnorm ?? null,
  });
}

/** The learning rate a spec starts from (its own or Keras's default for the optimizer). */
export function baseLearningRate(spec: OptimizerSpec): number {
  return spec.learning_rate ?? OPTIMIZERS[spec.name].defaultLearningRate;
}
