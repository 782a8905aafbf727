// Learning-rate schedules and the momentum ramp as pure functions of the training position.
// The training loop calls them before every step and sets the optimizer accordingly.
import { ExpError, type Problem } from '../errors.ts';
import type { ExpOptimizer } from './optimizers/base.ts';
import type { MomentumScheduleSpec, OptimizerSpec, ScheduleSpec, ScheduleType } from './types.ts';

export interface TrainingPosition {
  /** 0-based global index of the mini-batch update about to be applied (= optimizer.step before it). */
  step: number;
  /** 0-based index of the current epoch (epochs completed so far). */
  epoch: number;
  /** The model's total epochs (cosine's default decay length). */
  epochs: number;
  /** Mini-batches per epoch (cosine converts epochs to steps with it). */
  stepsPerEpoch: number;
}

/** Keys each schedule type uses, and which are required. */
export const SCHEDULES: Record<ScheduleType, { keys: readonly string[]; required: readonly string[] }> = {
  constant: { keys: [], required: [] },
  exponential: { keys: ['decay_rate', 'floor'], required: ['decay_rate'] },
  step: { keys: ['gamma', 'step_epochs', 'floor'], required: ['step_epochs'] },
  cosine: { keys: ['decay_epochs', 'alpha'], required: [] },
};

/** Missing required keys and keys the schedule type does not use. `path`: e.g. `models.deep.optimizer.schedule`. */
export function scheduleProblems(schedule: ScheduleSpec, path = 'optimizer.schedule'): Problem[] {
  const entry = SCHEDULES[schedule.type];
  if (entry == null) return [{ path: `${path}.type`, message: `unknown schedule '${String(schedule.type)}'`, hint: `use one of ${Object.keys(SCHEDULES).join(', ')}` }];
  const problems: Problem[] = [];
  for (const key of entry.required) {
    if ((schedule as unknown as Record<string, unknown>)[key] == null) {
      problems.push({ path: `${path}.${key}`, message: `the ${schedule.type} schedule needs '${key}'` });
    }
  }
  for (const [key, value] of Object.entries(schedule)) {
    if (key === 'type' || entry.keys.includes(key) || value == null) continue;
    problems.push({ path: `${path}.${key}`, message: `the ${schedule.type} schedule does not use '${key}'`, hint: 'remove it' });
  }
  return problems;
}

/**
 * The learning rate for the update at `pos`:
 * constant: lr; exponential: max(floor, lr * decay_rate^step); step: max(floor, lr * gamma^floor(epoch / step_epochs));
 * cosine: lr * ((1 - alpha) * (1 + cos(pi * min(step, D) / D)) / 2 + alpha), D = decay_epochs (default: epochs) * stepsPerEpoch.
 */
export function learningRateAt(schedule: ScheduleSpec | undefined | null, baseLr: number, pos: TrainingPosition): number {
  if (schedule == null || schedule.type === 'constant') return baseLr;
  const problems = scheduleProblems(schedule);
  if (problems.length > 0) throw new ExpError('spec', problems);
  switch (schedule.type) {
    case 'exponential':
      return Math.max(schedule.floor ?? 0, baseLr * Math.pow(schedule.decay_rate as number, pos.step));
    case 'step':
      return Math.max(schedule.floor ?? 0, baseLr * Math.pow(schedule.gamma ?? 0.1, Math.floor(pos.epoch / (schedule.step_epochs as number))));
    case 'cosine': {
      const alpha = schedule.alpha ?? 0;
      const decaySteps = Math.max(1, (schedule.decay_epochs ?? pos.epochs) * pos.stepsPerEpoch);
      const p = Math.min(pos.step, decaySteps) / decaySteps;
      return baseLr * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * p)) + alpha);
    }
    default:
      throw new ExpError('spec', { message: `unknown schedule '${String((schedule as ScheduleSpec).type)}'` });
  }
}

/** Momentum at `epoch` (0-based, may be fractional): linear from start to end over `epochs` epochs, then end. */
export function momentumAt(ramp: MomentumScheduleSpec, epoch: number): number {
  const f = Math.min(Math.max(epoch / ramp.epochs, 0), 1);
  return ramp.start + (ramp.end - ramp.start) * f;
}

/**
 * Sets the optimizer's learning rate (and momentum, when the spec has a ramp) for the update
 * at `pos`. Call once before every step. Returns the learning rate used (for logging).
 */
export function applyHyperparameters(optimizer: ExpOptimizer, spec: OptimizerSpec, baseLr: number, pos: TrainingPosition): number {
  const lr = learningRateAt(spec.schedule, baseLr, pos);
  optimizer.learningRate = lr;
  if (spec.momentum_schedule != null) optimizer.setMomentum(momentumAt(spec.momentum_schedule, pos.epoch));
  return lr;
}
