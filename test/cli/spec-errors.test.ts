// Broken specs through the CLI: exit code 2, and each problem at the exact FILE:LINE:COL with its key
// path. The fixtures are small files under test/spec/fixtures/, so the positions below can be checked
// by eye against them. Every case runs the CLI's main() in-process (the exit code main.ts gives the
// process), and a sample of them also as a spawned `exp` process: a process start costs seconds on
// the shared 2-core machine, too many for one per case within this file's time budget.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli, runCliInProcess, type CliResult } from './helpers.ts';

const F = 'test/spec/fixtures';

interface Case {
  name: string;
  args: string[];
  /** Lines that must appear in stderr, each `FILE:LINE:COL: key.path` followed by the message start. */
  expect: string[];
  /** Extra substrings stderr must contain (suggestions, allowed values). */
  mentions?: string[];
}

const cases: Case[] = [
  { name: 'wrong type', args: ['validate', `${F}/wrong-type.yaml`], expect: [`${F}/wrong-type.yaml:4:13: models.deep.epochs: must be a whole number`], mentions: ['"ten"'] },
  { name: 'unknown key with a near-miss name', args: ['validate', `${F}/unknown-key.yaml`], expect: [`${F}/unknown-key.yaml:3:3: training.batch_sise: unknown key "batch_sise"`], mentions: ['did you mean "batch_size"?'] },
  { name: 'a key written at the wrong level says where it belongs', args: ['validate', `${F}/misplaced-key.yaml`], expect: [`${F}/misplaced-key.yaml:6:1: learning_rate: unknown key "learning_rate" here; it belongs in training.optimizer.learning_rate`] },
  { name: 'missing required key points at the parent mapping', args: ['validate', `${F}/missing-required.yaml`], expect: [`${F}/missing-required.yaml:3:3: models.deep.layers: missing required key "layers"`] },
  { name: 'missing top-level name points at the document', args: ['validate', `${F}/missing-name.yaml`], expect: [`${F}/missing-name.yaml:1:1: name: missing required key "name"`] },
  { name: 'bad enum value lists the allowed values', args: ['validate', `${F}/bad-enum.yaml`], expect: [`${F}/bad-enum.yaml:7:21: models.deep.layers[0].activation: "rellu" is not allowed`], mentions: ['linear, relu, tanh, sigmoid', 'did you mean "relu"?'] },
  { name: 'zero units', args: ['validate', `${F}/zero-units.yaml`], expect: [`${F}/zero-units.yaml:6:16: models.deep.layers[0].units: must be at least 1, not 0`] },
  { name: 'negative units (flow mapping)', args: ['validate', `${F}/negative-units.yaml`], expect: [`${F}/negative-units.yaml:6:30: models.deep.layers[1].units: must be at least 1, not -5`] },
  {
    name: 'fractions outside (0, 1), both reported at once',
    args: ['validate', `${F}/fraction.yaml`],
    expect: [`${F}/fraction.yaml:3:18: split.test_fraction: must be less than 1, not 1.2`, `${F}/fraction.yaml:4:24: split.validation_fraction: must be at least 0, not -0.1`],
  },
  { name: 'YAML syntax error', args: ['validate', `${F}/yaml-syntax.yaml`], expect: [`${F}/yaml-syntax.yaml:5:3: YAML syntax error:`] },
  { name: 'duplicate key', args: ['validate', `${F}/duplicate-key.yaml`], expect: [`${F}/duplicate-key.yaml:2:1: YAML syntax error: Map keys must be unique`] },
  { name: 'empty file', args: ['validate', `${F}/empty.yaml`], expect: [`${F}/empty.yaml:1:1: the spec is empty`] },
  { name: 'extends cycle, at the extends value that closes it', args: ['validate', `${F}/cycle-a.yaml`], expect: [`${F}/cycle-b.yaml:2:10: extends: extends cycle:`], mentions: ['cycle-a.yaml -> '] },
  { name: 'extends to a missing file', args: ['validate', `${F}/extends-missing.yaml`], expect: [`${F}/extends-missing.yaml:2:10: extends: cannot read base spec ${F}/no-such-base.yaml: no such file`] },
  {
    name: 'errors in a base file point into the base, the child own errors into the child',
    args: ['validate', `${F}/child-of-bad-base.yaml`],
    expect: [`${F}/base-bad.yaml:2:9: scaler: "standart" is not allowed`, `${F}/child-of-bad-base.yaml:4:11: training.epochs: must be at least 1, not 0`],
  },
  { name: 'unknown layer type', args: ['validate', `${F}/layer-type.yaml`], expect: [`${F}/layer-type.yaml:6:15: models.deep.layers[1].type: unknown type "convolution"`], mentions: ['dense, dropout, batch_normalization, activation'] },
  { name: 'optimizer key the optimizer does not use', args: ['validate', `${F}/optimizer-key.yaml`], expect: [`${F}/optimizer-key.yaml:8:7: models.deep.optimizer.rho: "rho" is not used by the adam optimizer`], mentions: ['learning_rate, beta_1, beta_2, epsilon'] },
  { name: 'initializer parameter with a typo', args: ['validate', `${F}/initializer-key.yaml`], expect: [`${F}/initializer-key.yaml:7:51: models.deep.layers[0].kernel_initializer.stdev: unknown key "stdev"`], mentions: ['did you mean "stddev"?'] },
  { name: 'bad matrix path', args: ['validate', `${F}/matrix-path.yaml`], expect: [`${F}/matrix-path.yaml:7:3: matrix.data.featurs: `], mentions: ['did you mean "features"?'] },
  { name: 'bad matrix value, at the value', args: ['validate', `${F}/matrix-value.yaml`], expect: [`${F}/matrix-value.yaml:7:27: models.deep.epochs: must be at least 1, not 0`], mentions: ['matrix-value-0'] },
  { name: 'model name with a dot', args: ['validate', `${F}/model-name.yaml`], expect: [`${F}/model-name.yaml:3:3: models.deep.v2: name "deep.v2" is not allowed`] },
  { name: 'feature name not in the catalogue', args: ['validate', `${F}/feature-name.yaml`], expect: [`${F}/feature-name.yaml:3:20: data.features[1]: unknown feature "m_jjjj"`], mentions: ['did you mean "m_jjj"?'] },
  { name: 'bad --set path', args: ['validate', `${F}/valid.yaml`, '--set', 'models.deep.epoch=2'], expect: ['--set:1:1: models.deep.epoch: no key "epoch"'], mentions: ['did you mean "epochs"?'] },
  { name: '--set of an unknown model', args: ['run', `${F}/valid.yaml`, '--dry-run', '--set', 'models.deap.epochs=2'], expect: ['--set:1:1: models.deap: no entry "deap" in models'], mentions: ['did you mean "deep"?'] },
  {
    name: '--set value of the wrong type, second --set',
    args: ['run', `${F}/valid.yaml`, '--dry-run', '--set', 'models.deep.batch_size=50', '--set', 'models.deep.epochs=many'],
    expect: ['--set:2:20: models.deep.epochs: must be a whole number, not "many"'],
  },
  { name: '--set without =', args: ['validate', `${F}/valid.yaml`, '--set', 'models.deep.epochs'], expect: ['--set:1:1: "models.deep.epochs" is not of the form key.path=value'] },
  { name: '--set optimizer key the optimizer does not use', args: ['validate', `${F}/valid.yaml`, '--set', 'training.optimizer={name: adam, rho: 0.9}'], expect: ['--set:1:20: training.optimizer.rho: "rho" is not used by the adam optimizer'] },
];

function check(c: Case, r: CliResult): void {
  assert.equal(r.code, 2, `exit code; stderr:\n${r.stderr}`);
  const lines = r.stderr.split('\n');
  for (const e of c.expect) assert.ok(lines.some((l) => l.startsWith(e)), `expected a line starting with\n  ${e}\nin stderr:\n${r.stderr}`);
  for (const m of c.mentions ?? []) assert.ok(r.stderr.includes(m), `expected "${m}" in stderr:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace for a user error');
}

describe('broken specs exit 2 with FILE:LINE:COL: key.path: message', () => {
  for (const c of cases) test(c.name, async () => check(c, await runCliInProcess(c.args)));
});

const SPAWNED = ['wrong type', 'extends cycle, at the extends value that closes it', '--set value of the wrong type, second --set'];

describe('the same through a spawned exp process', { concurrency: 2 }, () => {
  for (const name of SPAWNED) {
    const c = cases.find((x) => x.name === name)!;
    test(name, async () => check(c, await runCli(c.args)));
  }
});

test('every problem of a spec is reported in one go, sorted by position', async () => {
  const r = await runCliInProcess(['validate', `${F}/fraction.yaml`, `${F}/zero-units.yaml`, `${F}/valid.yaml`]);
  assert.equal(r.code, 2);
  const located = r.stderr.split('\n').filter((l) => l.startsWith(F));
  assert.equal(located.length, 3, r.stderr);
  assert.match(r.stdout, /valid\.yaml: ok/);
});

test('usage errors (unknown backend) exit 2', async () => {
  const r = await runCliInProcess(['run', `${F}/valid.yaml`, '--backend', 'gpu']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /gpu.*invalid/);
});

test('a missing spec file is an error naming it, exit 2', async () => {
  const r = await runCliInProcess(['validate', `${F}/does-not-exist.yaml`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot read spec file test\/spec\/fixtures\/does-not-exist\.yaml: no such file/);
});
