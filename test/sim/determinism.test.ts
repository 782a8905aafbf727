// Same seed, same events, whatever the chunk size; another seed, other events; the DataSource
// contract (describe, exact row counts) and option errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpError } from '../../src/errors.ts';
import {
  createHiggsSim, generateHiggsSim, HIGGS_SIM_COLUMNS, HIGGS_SIM_VERSION,
} from '../../src/data/sources/higgs-sim/index.ts';

const EVENTS = 5_000;

async function collect(chunkRows: number, seed: number): Promise<{ x: Float32Array; y: Float32Array; sizes: number[] }> {
  const src = createHiggsSim({ events: EVENTS, seed, signalFraction: 0.4 });
  const x = new Float32Array(EVENTS * 28);
  const y = new Float32Array(EVENTS);
  const sizes: number[] = [];
  let row = 0;
  for await (const c of src.chunks(chunkRows)) {
    assert.equal(c.x.length, c.rows * 28);
    assert.equal(c.y.length, c.rows);
    x.set(c.x, row * 28);
    y.set(c.y, row);
    row += c.rows;
    sizes.push(c.rows);
  }
  assert.equal(row, EVENTS, 'exactly the requested number of events');
  return { x, y, sizes };
}

test('same seed gives identical events for chunk sizes 1000, 777 and all at once', async () => {
  const a = await collect(1000, 11);
  const b = await collect(777, 11);
  const c = generateHiggsSim({ events: EVENTS, seed: 11, signalFraction: 0.4 });
  assert.deepEqual(a.sizes, [1000, 1000, 1000, 1000, 1000]);
  assert.equal(b.sizes.length, Math.ceil(EVENTS / 777));
  assert.equal(b.sizes.at(-1), EVENTS % 777);
  assert.deepEqual(b.x, a.x);
  assert.deepEqual(b.y, a.y);
  assert.deepEqual(c.x, a.x);
  assert.deepEqual(c.y, a.y);
});

test('iterating the same source twice gives the same events', async () => {
  const src = createHiggsSim({ events: 300, seed: 5 });
  const first: Float32Array[] = [];
  for await (const c of src.chunks(128)) first.push(c.x);
  let i = 0;
  for await (const c of src.chunks(128)) assert.deepEqual(c.x, first[i++]);
});

test('a different seed gives different events', async () => {
  const a = generateHiggsSim({ events: 1000, seed: 1 });
  const b = generateHiggsSim({ events: 1000, seed: 2 });
  let same = 0;
  for (let i = 0; i < a.x.length; i++) if (a.x[i] === b.x[i]) same++;
  // Only b-tag columns (three values) can coincide by chance.
  assert.ok(same < 0.2 * a.x.length, `${same} of ${a.x.length} values equal`);
});

test('units change the scale, not the events', () => {
  const g = generateHiggsSim({ events: 500, seed: 3, units: 'gev' });
  const h = generateHiggsSim({ events: 500, seed: 3, units: 'higgs' });
  assert.deepEqual(h.y, g.y);
  const m = HIGGS_SIM_COLUMNS.indexOf('m_bb');
  const ratio = g.x[m] / h.x[m];
  for (let r = 0; r < 500; r++) {
    const o = r * 28 + m;
    assert.ok(Math.abs(g.x[o] / h.x[o] - ratio) < 1e-4 * ratio, `row ${r}: same GeV per HIGGS unit`);
  }
});

test('describe() gives the 28 columns, the row count and the fingerprint', async () => {
  const d = await createHiggsSim({ events: 1234, seed: 9, signalFraction: 0.3, units: 'gev' }).describe();
  assert.equal(d.columns.length, 28);
  assert.deepEqual(d.columns.slice(0, 3), ['lepton_pT', 'lepton_eta', 'lepton_phi']);
  assert.deepEqual(d.columns.slice(21), ['m_jj', 'm_jjj', 'm_lv', 'm_jlv', 'm_bb', 'm_wbb', 'm_wwbb']);
  assert.equal(d.rows, 1234);
  assert.deepEqual(d.fingerprint, {
    generator: 'higgs-sim', version: HIGGS_SIM_VERSION, events: 1234, signalFraction: 0.3, seed: 9, units: 'gev',
  });
});

test('bad options are ExpErrors naming the key', () => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ events: 0 }, /events must be a positive integer/],
    [{ events: 1.5 }, /events/],
    [{ events: 10, signalFraction: 1.2 }, /signal fraction/],
    [{ events: 10, seed: -1 }, /seed/],
    [{ events: 10, units: 'tev' }, /units must be one of higgs, gev/],
  ];
  for (const [opts, re] of bad) {
    assert.throws(
      () => createHiggsSim(opts as never),
      (e: unknown) => e instanceof ExpError && re.test(e.message),
      JSON.stringify(opts),
    );
  }
});
