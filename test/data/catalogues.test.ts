import assert from 'node:assert/strict';
import { test } from 'node:test';
import { genericColumns, getCatalogue, HIGGS_COLUMNS, resolveFeatures, SUSY_COLUMNS } from '../../src/data/catalogues.ts';

// The header of the real HIGGS file as redistributed with LightGBM (names differ in spelling).
const LIGHTGBM_HEADER = [
  'lepton_pT', 'lepton_eta', 'lepton_phi', 'missing_energy_magnitude', 'missing_energy_phi',
  ...[1, 2, 3, 4].flatMap((j) => [`jet_${j}_pt`, `jet_${j}_eta`, `jet_${j}_phi`, `jet_${j}_b-tag`]),
  'm_jj', 'm_jjj', 'm_lv', 'm_jlv', 'm_bb', 'm_wbb', 'm_wwbb',
];

test('catalogues: sizes and groups as in the papers', () => {
  assert.equal(HIGGS_COLUMNS.length, 28);
  assert.equal(SUSY_COLUMNS.length, 18);
  const h = getCatalogue('higgs').groups;
  assert.equal(h['low-level'].length, 21);
  assert.deepEqual(h['high-level'], ['m_jj', 'm_jjj', 'm_lv', 'm_jlv', 'm_bb', 'm_wbb', 'm_wwbb']);
  assert.equal(h['low-level'][20], 'jet4_btag');
  const s = getCatalogue('susy').groups;
  assert.equal(s['low-level'].length, 8);
  assert.deepEqual(s['high-level'][0], 'MET_rel');
  assert.deepEqual(s['high-level'][9], 'cos_theta_r1');
});

test('groups and names resolve to indices of a nameless (UCI) file by position', () => {
  const cols = genericColumns(28);
  const all = resolveFeatures('higgs', 'all', cols);
  assert.ok(all.ok);
  assert.deepEqual(all.value.indices, [...Array(28).keys()]);
  const high = resolveFeatures('higgs', 'high-level', cols);
  assert.ok(high.ok);
  assert.deepEqual(high.value.indices, [21, 22, 23, 24, 25, 26, 27]);
  const mixed = resolveFeatures('higgs', ['m_bb', 'low-level', 'lepton_pT'], cols);
  assert.ok(mixed.ok);
  assert.deepEqual(mixed.value.indices, [25, ...Array(21).keys()]);
  assert.equal(mixed.value.names[0], 'm_bb');
});

test('names match a headed file by name, ignoring case, _ and -; the file order may differ', () => {
  const shuffled = [...LIGHTGBM_HEADER].reverse();
  const r = resolveFeatures('higgs', ['jet1_btag', 'M_BB'], shuffled);
  assert.ok(r.ok);
  assert.deepEqual(r.value.indices, [shuffled.indexOf('jet_1_b-tag'), shuffled.indexOf('m_bb')]);
  assert.deepEqual(r.value.names, ['jet1_btag', 'm_bb']);
});

test('an unknown name fails at data.features[i] with a did-you-mean', () => {
  const r = resolveFeatures('higgs', ['m_bb', 'm_wwb'], genericColumns(28));
  assert.ok(!r.ok);
  assert.equal(r.problems[0].path, 'data.features[1]');
  assert.match(r.problems[0].message, /unknown feature "m_wwb"/);
  assert.match(r.problems[0].hint ?? '', /did you mean "m_wbb"\?|did you mean "m_wwbb"\?/);
  const g = resolveFeatures('higgs', 'low_level', genericColumns(28));
  assert.ok(!g.ok);
  assert.equal(g.problems[0].path, 'data.features');
  assert.match(g.problems[0].hint ?? '', /did you mean "low-level"/);
});

test('catalogue none names columns by the file (or x0..), only group all; a mismatched catalogue fails', () => {
  const r = resolveFeatures('none', ['x2', 'x0'], genericColumns(3));
  assert.ok(r.ok);
  assert.deepEqual(r.value.indices, [2, 0]);
  const bad = resolveFeatures('none', 'low-level', genericColumns(3));
  assert.ok(!bad.ok);
  const wrong = resolveFeatures('susy', 'all', genericColumns(28));
  assert.ok(!wrong.ok);
  assert.equal(wrong.problems[0].path, 'data.catalogue');
  assert.match(wrong.problems[0].message, /susy has 18 columns but the data has 28/);
});
