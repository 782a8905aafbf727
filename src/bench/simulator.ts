// Benchmark of the embedded simulator: events per second on one core (steady state, median of
// several repetitions after a warm-up) and the process's peak RSS. Also events per CPU second
// (user + system time of this process), which stays meaningful on a machine shared with other
// jobs, where wall-clock rates drop with the load.
//
//   node --import tsx src/bench/simulator.ts [--events N] [--reps R] [--units higgs|gev] [--json]
import { parseArgs } from 'node:util';
import { HiggsSimGenerator, N_COLUMNS } from '../data/sources/higgs-sim/generator.ts';
import { HIGGS_SIM_VERSION } from '../data/sources/higgs-sim/index.ts';
import type { Units } from '../data/sources/higgs-sim/units.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    reps: { type: 'string', default: '5' },
    units: { type: 'string', default: 'higgs' },
    json: { type: 'boolean', default: false },
  },
});
const events = Number(values.events);
const reps = Number(values.reps);
const units = values.units as Units;
if (!(Number.isSafeInteger(events) && events > 0 && Number.isSafeInteger(reps) && reps > 0)) {
  console.error('--events and --reps must be positive integers');
  process.exit(2);
}
if (units !== 'higgs' && units !== 'gev') {
  console.error('--units must be higgs or gev');
  process.exit(2);
}

// One output buffer, reused: the benchmark measures generation, not allocation.
const x = new Float32Array(events * N_COLUMNS);
const y = new Float32Array(events);
new HiggsSimGenerator(1, 0.5, units).fill(x, y, Math.min(events, 20_000)); // warm-up (JIT)

const rates: number[] = [];
const cpuRates: number[] = [];
let acceptance = 0;
for (let r = 0; r < reps; r++) {
  const gen = new HiggsSimGenerator(1000 + r, 0.5, units);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  gen.fill(x, y, events);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  rates.push(events / s);
  cpuRates.push(events / ((c.user + c.system) / 1e6));
  acceptance = gen.accepted / gen.tried;
}
rates.sort((a, b) => a - b);
cpuRates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];
const cpuMedian = cpuRates[Math.floor(cpuRates.length / 2)];
const peakRssMiB = process.resourceUsage().maxRSS / 1024;

const result = {
  benchmark: 'simulator',
  version: HIGGS_SIM_VERSION,
  events,
  reps,
  units,
  events_per_s: Math.round(median),
  events_per_s_min: Math.round(rates[0]),
  events_per_s_max: Math.round(rates[rates.length - 1]),
  events_per_cpu_s: Math.round(cpuMedian),
  acceptance: Number(acceptance.toFixed(3)),
  peak_rss_mib: Number(peakRssMiB.toFixed(1)),
  output_mib: Number(((x.byteLength + y.byteLength) / 2 ** 20).toFixed(1)),
  node: process.version,
};
if (values.json) {
  console.log(JSON.stringify(result));
} else {
  console.log(`higgs-sim ${HIGGS_SIM_VERSION}: ${events} events x ${reps} reps, units ${units}`);
  console.log(`  events/s (median)  ${result.events_per_s.toLocaleString('en-US')}  (min ${result.events_per_s_min.toLocaleString('en-US')}, max ${result.events_per_s_max.toLocaleString('en-US')})`);
  console.log(`  events/CPU-s       ${result.events_per_cpu_s.toLocaleString('en-US')}  (median; independent of other load)`);
  console.log(`  acceptance         ${result.acceptance} (rejected events are regenerated)`);
  console.log(`  peak RSS           ${result.peak_rss_mib} MiB (output arrays ${result.output_mib} MiB)`);
}
