// `exp run --dry-run`, `exp validate experiments/*.yaml`, `exp schema`, --help/--version, and the
// promise that an invalid spec writes nothing to the runs directory.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ROOT, runCli, runCliInProcess } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'exp-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('exp run experiments/deep.yaml --dry-run prints the resolved spec with every default filled (spawned)', async () => {
  const r = await runCli(['run', 'experiments/deep.yaml', '--dry-run', '--runs-dir', join(tmp, 'dry')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'a clean dry run prints nothing on stderr');
  const spec = parseYaml(r.stdout) as any;
  const deep = spec.models.deep;
  // written in the experiment (through extends) ...
  assert.equal(deep.batch_size, 100);
  assert.equal(deep.epochs, 10);
  assert.equal(deep.loss, 'binary_crossentropy');
  assert.equal(spec.split.test_fraction, 0.9);
  assert.equal(spec.split.validation_fraction, 0.25);
  assert.equal(spec.data.events, 1000000);
  assert.equal(deep.layers[0].repeat, 5);
  // ... and filled from the schema: Keras's nadam defaults, split and data keys, layer defaults
  assert.deepEqual(
    { ...deep.optimizer, schedule: undefined },
    { name: 'nadam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, momentum_decay: 0.004, weight_decay: 0, clipnorm: null, schedule: undefined },
  );
  assert.deepEqual(deep.optimizer.schedule, { type: 'constant' });
  assert.deepEqual(Object.keys(spec.split).sort(), ['seed', 'shuffle', 'stratify', 'test_fraction', 'validation_fraction']);
  assert.equal(spec.data.source, 'higgs-sim');
  assert.equal(spec.data.nan_policy, 'error');
  assert.equal(deep.layers[1].use_bias, true);
  assert.equal(deep.layers[1].bias_initializer, 'zeros');
  assert.equal(deep.early_stopping, null);
  assert.equal(deep.shuffle, true);
  assert.equal(spec.evaluation.roc_points, 1000);
  assert.equal(spec.tracking.mlflow, null);
  assert.equal(spec.extends, undefined);
  // the model summary rides along as YAML comments: 5 x 300 relu + sigmoid on 28 inputs
  assert.match(r.stdout, /# Total params: 370,201/);
  assert.ok(!existsSync(join(tmp, 'dry')), 'a dry run writes no run directory');
});

test('--dry-run shows --set overrides and one document per matrix combination', async () => {
  const r = await runCliInProcess(['run', 'experiments/paper.yaml', '--dry-run', '--backend', 'cpu', '--set', 'models.deep.epochs=2', '--set', 'data.events=5000']);
  assert.equal(r.code, 0, r.stderr);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as any);
  assert.deepEqual(docs.map((d) => d.name), ['paper-low-level', 'paper-high-level', 'paper-all']);
  assert.deepEqual(docs.map((d) => d.data.features), ['low-level', 'high-level', 'all']);
  for (const d of docs) {
    assert.equal(d.models.deep.epochs, 2);
    assert.equal(d.models.shallow.epochs, 10);
    assert.equal(d.data.events, 5000);
    assert.equal(d.backend, 'cpu', '--backend shows in the printed spec');
  }
  // input sizes follow the feature groups: 21 low-level, 7 high-level, 28 in all
  const first = (28 - 7) * 1000 + 1000 + 1001;
  assert.match(r.stdout, new RegExp(`# Total params: ${first.toLocaleString('en-US')}`));
  assert.match(r.stdout, /# shallow: 7 input features/);
});

test('exp validate experiments/*.yaml exits 0 and says ok for each (spawned)', async () => {
  const files = readdirSync(join(ROOT, 'experiments')).filter((f) => f.endsWith('.yaml')).map((f) => `experiments/${f}`);
  assert.ok(files.length >= 4);
  const r = await runCli(['validate', ...files]);
  assert.equal(r.code, 0, r.stderr);
  for (const f of files) assert.match(r.stdout, new RegExp(`^${f.replace('.', '\\.')}: ok$`, 'm'));
});

test('an invalid spec writes nothing to the runs dir (flag and EXP_RUNS_DIR)', async () => {
  const bad = 'test/spec/fixtures/zero-units.yaml';
  const viaFlag = join(tmp, 'runs-flag');
  const r1 = await runCliInProcess(['run', bad, '--runs-dir', viaFlag]);
  assert.equal(r1.code, 2);
  assert.ok(!existsSync(viaFlag));
  const viaEnv = join(tmp, 'runs-env');
  const r2 = await runCli(['run', 'test/spec/fixtures/valid.yaml', '--set', 'models.deep.epochs=0'], { env: { EXP_RUNS_DIR: viaEnv } });
  assert.equal(r2.code, 2, r2.stderr);
  assert.match(r2.stderr, /^--set:1:20: models\.deep\.epochs: must be at least 1/m);
  assert.ok(!existsSync(viaEnv));
});

test('exp schema prints the schema file as JSON', async () => {
  const r = await runCliInProcess(['schema']);
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout), JSON.parse(readFileSync(join(ROOT, 'schema/experiment.schema.json'), 'utf8')));
});

test('--version prints package.json version; --help of each command has an example', async () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const v = await runCliInProcess(['--version']);
  assert.equal(v.code, 0);
  assert.equal(v.stdout.trim(), pkg.version);
  // every command of the program, sub-commands included, read from the root --help listings
  const listed = async (prefix: string[]): Promise<string[]> => {
    const h = await runCliInProcess([...prefix, '--help']);
    const section = h.stdout.split('Commands:')[1] ?? '';
    return [...section.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  };
  const top = await listed([]);
  assert.ok(top.length >= 11, `commands listed: ${top.join(' ')}`);
  const all: string[][] = [];
  for (const c of top) {
    all.push([c]);
    for (const sub of await listed([c])) all.push([c, sub]);
  }
  assert.ok(all.some((c) => c.join(' ') === 'data info'), 'sub-commands are checked too');
  for (const cmd of all) {
    const name = cmd.join(' ');
    const h = await runCliInProcess([...cmd, '--help']);
    assert.equal(h.code, 0, name);
    assert.match(h.stdout, new RegExp(`Usage: exp ${name}`));
    assert.match(h.stdout, new RegExp(`\\$ exp ${cmd[0]}`), `${name} --help shows an example`);
  }
});
