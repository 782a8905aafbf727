// `higgs-sim`: an embedded Monte Carlo of HIGGS-like events (Baldi, Sadowski & Whiteson 2014),
// the default data of the experiments, so a fresh clone runs without the 2.6 GB download.
//
// Signal gg -> H0 (425) -> W H+- (325), H+- -> W h0 (125), h0 -> b bbar; background
// t tbar -> W b W b; one W -> l nu, the other -> q q'. Files: physics.ts (parameters),
// lorentz.ts (four-vectors, boosts), production.ts (8 TeV kinematics), decays.ts (chains),
// detector.ts (smearing, acceptance, b-tag, MET), reconstruct.ts (the 7 high-level masses and
// the documented jet assignment), units.ts (GeV or real-HIGGS units), slots.ts (the per-event
// four-vector buffer layout), generator.ts (the loop).
import { ExpError } from '../../../errors.ts';
import type { Chunk, DataSource, SourceDescription } from '../../types.ts';
import { HiggsSimGenerator, N_COLUMNS } from './generator.ts';
import { UNITS, type Units } from './units.ts';

export type { Units } from './units.ts';

/** The 28 columns in the UCI HIGGS order: 21 low-level, then 7 high-level. */
export const HIGGS_SIM_COLUMNS: readonly string[] = Object.freeze([
  'lepton_pT', 'lepton_eta', 'lepton_phi', 'missing_energy_magnitude', 'missing_energy_phi',
  'jet1_pt', 'jet1_eta', 'jet1_phi', 'jet1_btag',
  'jet2_pt', 'jet2_eta', 'jet2_phi', 'jet2_btag',
  'jet3_pt', 'jet3_eta', 'jet3_phi', 'jet3_btag',
  'jet4_pt', 'jet4_eta', 'jet4_phi', 'jet4_btag',
  'm_jj', 'm_jjj', 'm_lv', 'm_jlv', 'm_bb', 'm_wbb', 'm_wwbb',
]);

/** Bumped whenever the same options would give different events. */
export const HIGGS_SIM_VERSION = '1.0.0';

export interface HiggsSimOptions {
  /** Number of events (exact: rejected events are regenerated). */
  events: number;
  /** Probability that an event is signal (default 0.5). */
  signalFraction?: number;
  /** Seed of the random stream (default 42). */
  seed?: number;
  /** Output units (default 'higgs'). */
  units?: Units;
}

interface Resolved {
  events: number;
  signalFraction: number;
  seed: number;
  units: Units;
}

function resolve(opts: HiggsSimOptions): Resolved {
  const { events, signalFraction = 0.5, seed = 42, units = 'higgs' } = opts;
  const problems = [];
  if (!Number.isSafeInteger(events) || events < 1) {
    problems.push({ path: 'data.events', message: `events must be a positive integer, got ${String(events)}` });
  }
  if (!(typeof signalFraction === 'number' && signalFraction >= 0 && signalFraction <= 1)) {
    problems.push({
      path: 'data.signal_fraction',
      message: `signal fraction must be a number in [0, 1], got ${String(signalFraction)}`,
    });
  }
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
    problems.push({
      path: 'data.seed',
      message: `seed must be an integer in [0, 4294967295], got ${String(seed)}`,
    });
  }
  if (!UNITS.includes(units)) {
    problems.push({ path: 'data.units', message: `units must be one of ${UNITS.join(', ')}, got ${String(units)}` });
  }
  if (problems.length > 0) throw new ExpError('spec', problems);
  return { events, signalFraction, seed, units };
}

/** The simulator as a DataSource: rows = events, chunks of at most chunkRows rows. */
export function createHiggsSim(opts: HiggsSimOptions): DataSource {
  const o = resolve(opts);
  return {
    describe(): Promise<SourceDescription> {
      return Promise.resolve({
        columns: [...HIGGS_SIM_COLUMNS],
        rows: o.events,
        fingerprint: {
          generator: 'higgs-sim',
          version: HIGGS_SIM_VERSION,
          events: o.events,
          signalFraction: o.signalFraction,
          seed: o.seed,
          units: o.units,
        },
      });
    },
    async *chunks(chunkRows: number): AsyncIterable<Chunk> {
      if (!Number.isSafeInteger(chunkRows) || chunkRows < 1) {
        throw new ExpError('usage', `chunk size must be a positive integer, got ${String(chunkRows)}`);
      }
      // A fresh generator per iteration: iterating twice gives the same events.
      const gen = new HiggsSimGenerator(o.seed, o.signalFraction, o.units);
      for (let done = 0; done < o.events; done += chunkRows) {
        const rows = Math.min(chunkRows, o.events - done);
        const x = new Float32Array(rows * N_COLUMNS);
        const y = new Float32Array(rows);
        gen.fill(x, y, rows);
        yield { x, y, rows };
      }
    },
  };
}

/** All events at once (tests, benchmarks, small experiments). */
export function generateHiggsSim(opts: HiggsSimOptions): { x: Float32Array; y: Float32Array; rows: number } {
  const o = resolve(opts);
  const x = new Float32Array(o.events * N_COLUMNS);
  const y = new Float32Array(o.events);
  new HiggsSimGenerator(o.seed, o.signalFraction, o.units).fill(x, y, o.events);
  return { x, y, rows: o.events };
}
