// Learning-rate schedules and the momentum ramp against closed-form values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExpError } from '../../src/errors.ts';
import { applyHyperparameters, createOptimizer, learningRateAt, momentumAt, scheduleProblems } from '../../src/model/index.ts';
import type { OptimizerSpec, TrainingPosition } from '../../src/model/index.ts';

const at = (step: number, epoch = 0, epochs = 10, stepsPerEpoch = 100): TrainingPosition => ({ step, epoch, epochs, stepsPerEpoch });
const close = (a: number, b: number, rel = 1e-12) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

test('constant (and no schedule) keep the base rate', () => {
  assert.equal(learningRateAt({ type: 'constant' }, 0.01, at(12345, 7)), 0.01);
  assert.equal(learningRateAt(undefined, 0.01, at(5)), 0.01);
});

test("exponential: the paper's 1/1.0000002 per mini-batch, floored at 1e-6", () => {
  const s = { type: 'exponential' as const, decay_rate: 1 / 1.0000002, floor: 1e-6 };
  assert.equal(learningRateAt(s, 0.05, at(0)), 0.05);
  close(learningRateAt(s, 0.05, at(1)), 0.05 / 1.0000002);
  // after 10^6 updates: 0.05 * e^{-0.2 * ...}: (1.0000002)^-1e6 = exp(-1e6 * ln 1.0000002)
  close(learningRateAt(s, 0.05, at(1_000_000)), 0.05 * Math.exp(-1e6 * Math.log(1.0000002)), 1e-9);
  // the floor is reached after ln(0.05 / 1e-6) / ln(1.0000002) ~ 5.4e7 updates
  const reach = Math.log(0.05 / 1e-6) / Math.log(1.0000002);
  assert.ok(learningRateAt(s, 0.05, at(Math.floor(reach) - 1000)) > 1e-6);
  assert.equal(learningRateAt(s, 0.05, at(Math.ceil(reach) + 1000)), 1e-6);
  assert.equal(learningRateAt({ type: 'exponential', decay_rate: 0.5 }, 1, at(3)), 0.125);
});

test('step: gamma every step_epochs, with an optional floor', () => {
  const s = { type: 'step' as const, gamma: 0.5, step_epochs: 3 };
  assert.deepEqual(
    [0, 1, 2, 3, 5, 6, 9].map((e) => learningRateAt(s, 0.8, at(0, e))),
    [0.8, 0.8, 0.8, 0.4, 0.4, 0.2, 0.1],
  );
  assert.equal(learningRateAt({ ...s, floor: 0.3 }, 0.8, at(0, 9)), 0.3);
  // gamma defaults to 0.1
  close(learningRateAt({ type: 'step', step_epochs: 2 }, 1, at(0, 4)), 0.01);
});

test('cosine: from lr to alpha * lr over decay_epochs (default: the model epochs), then flat', () => {
  const s = { type: 'cosine' as const, alpha: 0.1, decay_epochs: 4 };
  // 4 epochs x 100 steps = 400 decay steps; half way the cosine term is 0.5
  assert.equal(learningRateAt(s, 1, at(0)), 1);
  close(learningRateAt(s, 1, at(200)), 0.1 + 0.9 * 0.5);
  close(learningRateAt(s, 1, at(100)), 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)));
  close(learningRateAt(s, 1, at(400)), 0.1);
  close(learningRateAt(s, 1, at(10_000)), 0.1);
  // decay_epochs null: the model's epochs (10 x 100 steps)
  close(learningRateAt({ type: 'cosine', decay_epochs: null }, 2, at(500)), 1);
  assert.equal(learningRateAt({ type: 'cosine' }, 2, at(1000)), 0);
});

test('schedule problems: missing required keys and keys of other types', () => {
  assert.throws(() => learningRateAt({ type: 'exponential' }, 1, at(1)), ExpError);
  assert.throws(() => learningRateAt({ type: 'step' }, 1, at(1)), ExpError);
  const p = scheduleProblems({ type: 'cosine', gamma: 0.5 }, 'models.deep.optimizer.schedule');
  assert.equal(p.length, 1);
  assert.equal(p[0].path, 'models.deep.optimizer.schedule.gamma');
  assert.deepEqual(scheduleProblems({ type: 'exponential', decay_rate: 0.9, floor: 0 }), []);
});

test("momentum ramp: the paper's 0.9 -> 0.99 over 200 epochs, then flat", () => {
  const ramp = { start: 0.9, end: 0.99, epochs: 200 };
  assert.equal(momentumAt(ramp, 0), 0.9);
  close(momentumAt(ramp, 100), 0.945);
  close(momentumAt(ramp, 50.5), 0.9 + 0.09 * (50.5 / 200));
  close(momentumAt(ramp, 200), 0.99);
  close(momentumAt(ramp, 350), 0.99);
});

test('applyHyperparameters sets the optimizer from the spec before a step', () => {
  const spec: OptimizerSpec = {
    name: 'sgd',
    learning_rate: 0.05,
    schedule: { type: 'exponential', decay_rate: 0.5, floor: 0.001 },
    momentum_schedule: { start: 0.9, end: 0.99, epochs: 200 },
  };
  const opt = createOptimizer(spec);
  const lr = applyHyperparameters(opt, spec, 0.05, at(2, 100));
  assert.equal(lr, 0.0125);
  assert.equal(opt.learningRate, 0.0125);
  close(opt.momentum as number, 0.945);
  opt.dispose();
});
