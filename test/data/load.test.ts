// loadTable: the checks a run makes before training, each a clear ExpError.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExpError } from '../../src/errors.ts';
import { loadTable } from '../../src/data/load.ts';
import { tempDir } from './helpers.ts';

async function rejects(p: Promise<unknown>, check: (e: ExpError) => void) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ExpError, `expected ExpError, got ${String(e)}`);
    check(e);
    return true;
  });
}

function csv(dir: string, name: string, lines: string[]): string {
  writeFileSync(join(dir, name), lines.join('\n') + '\n');
  return name;
}

test('labels outside {0, 1}: error with the count and the first row', async (t) => {
  const dir = tempDir(t);
  const path = csv(dir, 'l.csv', ['1,1,2', '2,3,4', '0,5,6', '-1,7,8']);
  await rejects(loadTable({ source: 'csv', path, catalogue: 'none' }, { specDir: dir, seed: 1 }), (e) => {
    assert.equal(e.kind, 'data');
    assert.match(e.message, /2 labels outside \{0, 1\} \(first: row 2, label 2\)/);
  });
});

test('NaN/Inf: an error with the count and first row, or dropped with nan_policy drop', async (t) => {
  const dir = tempDir(t);
  const path = csv(dir, 'n.csv', ['1,1,2', '0,nan,4', '1,5,inf', '0,7,8', '1,,9']);
  await rejects(loadTable({ source: 'csv', path, catalogue: 'none' }, { specDir: dir, seed: 1 }), (e) => {
    assert.equal(e.problems[0].path, 'data.nan_policy');
    assert.match(e.message, /3 rows with NaN or infinite values .*\(first: row 2\)/);
    assert.match(e.message, /nan_policy: drop/);
  });
  const t2 = await loadTable({ source: 'csv', path, catalogue: 'none', nan_policy: 'drop' }, { specDir: dir, seed: 1 });
  assert.equal(t2.rows, 2);
  assert.equal(t2.dropped, 3);
  assert.deepEqual(t2.x, Float32Array.from([1, 2, 7, 8]));
  assert.deepEqual(t2.y, Float32Array.from([1, 0]));
  // Only the selected features are checked: without x0 the NaN in row 2 does not matter.
  const t3 = await loadTable({ source: 'csv', path, catalogue: 'none', features: ['x1'], nan_policy: 'drop' }, { specDir: dir, seed: 1 });
  assert.deepEqual(t3.y, Float32Array.from([1, 0, 0, 1]));
});

test('an unknown feature name fails at data.features with a suggestion', async (t) => {
  const dir = tempDir(t);
  const path = csv(dir, 'h.csv', [Array.from({ length: 29 }, (_, i) => (i === 0 ? 1 : i)).join(',')]);
  await rejects(loadTable({ source: 'csv', path, features: ['m_bb', 'jet1_ptt'] }, { specDir: dir, seed: 1 }), (e) => {
    assert.equal(e.kind, 'spec');
    assert.equal(e.problems[0].path, 'data.features[1]');
    assert.match(e.message, /unknown feature "jet1_ptt".*did you mean "jet1_pt"/);
  });
  const ok = await loadTable({ source: 'csv', path, features: ['m_bb', 'jet1_pt'] }, { specDir: dir, seed: 1 });
  assert.deepEqual(ok.x, Float32Array.from([26, 6]));
  assert.deepEqual(ok.columns, ['m_bb', 'jet1_pt']);
});

test('fewer rows than requested, missing file, missing path, sha256 mismatch', async (t) => {
  const dir = tempDir(t);
  const path = csv(dir, 'f.csv', ['1,1', '0,2', '1,3']);
  const ctx = { specDir: dir, seed: 1 };
  await rejects(loadTable({ source: 'csv', path, catalogue: 'none', events: 4 }, ctx), (e) => assert.match(e.message, /has 3 rows after offset 0, fewer than the 4 requested/));
  await rejects(loadTable({ source: 'csv', path, catalogue: 'none', offset: 1, events: 3 }, ctx), (e) => assert.match(e.message, /fewer than the 3 requested/));
  await rejects(loadTable({ source: 'hdf5', path: 'missing.h5' }, ctx), (e) => {
    assert.equal(e.problems[0].path, 'data.path');
    assert.match(e.message, /missing\.h5: no such file/);
  });
  await rejects(loadTable({ source: 'csv' }, ctx), (e) => assert.equal(e.problems[0].path, 'data.path'));
  const real = createHash('sha256').update(readFileSync(join(dir, path))).digest('hex');
  await rejects(loadTable({ source: 'csv', path, catalogue: 'none', sha256: 'ab'.repeat(32) }, ctx), (e) => {
    assert.equal(e.problems[0].path, 'data.sha256');
    assert.match(e.message, new RegExp(`SHA-256 is ${real}`));
  });
  const good = await loadTable({ source: 'csv', path, catalogue: 'none', sha256: real.toUpperCase(), offset: 1, events: 2 }, ctx);
  assert.deepEqual(good.y, Float32Array.from([0, 1]));
  assert.equal(good.fingerprint.sha256, real);
  assert.equal(good.fingerprint.file, 'f.csv');
});

test('higgs-sim through the registry: 28 named columns, deterministic, fingerprint holds the parameters', async () => {
  const ctx = { specDir: '.', seed: 3 };
  const a = await loadTable({ source: 'higgs-sim', events: 300, seed: 9, features: 'high-level' }, ctx);
  const b = await loadTable({ source: 'higgs-sim', events: 300, seed: 9, features: 'high-level' }, ctx);
  assert.equal(a.rows, 300);
  assert.equal(a.cols, 7);
  assert.deepEqual(a.columns, ['m_jj', 'm_jjj', 'm_lv', 'm_jlv', 'm_bb', 'm_wbb', 'm_wwbb']);
  assert.deepEqual(a.x, b.x);
  assert.equal(a.fingerprint.seed, 9);
  assert.equal(a.fingerprint.events, 300);
  // Without data.seed the seed derives from the experiment seed.
  const c = await loadTable({ source: 'higgs-sim', events: 50 }, ctx);
  const d = await loadTable({ source: 'higgs-sim', events: 50 }, { ...ctx, seed: 4 });
  assert.notDeepEqual(c.x, d.x);
});
