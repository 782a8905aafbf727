// `npm run bench`: training-throughput benchmark (issue 7). Not a test: it prints figures, with
// each exp figure's ratio to plain tfjs model.fit measured in the same process.
//   npm run bench -- [--backend auto|tensorflow|wasm|cpu] [--steps N] [--warmup N] [--json]
//                    [--networks deep,shallow] [--batch 100,1000] [--no-baseline]
//   npm run bench -- --events 1000000 [--steps N]   peak RSS of training on N simulated events
import { Command, InvalidArgumentError } from 'commander';
import Table from 'cli-table3';
import { ExpError, formatProblem } from '../errors.ts';
import { OPTIMIZERS } from '../model/index.ts';
import type { OptimizerName } from '../model/types.ts';
import { selectBackend, type BackendChoice } from '../train/backend.ts';
import { runEventsBench, runTrainBench, type NetworkName } from './train.ts';

const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};
const intList = (v: string): number[] => v.split(',').map((s) => int(s.trim()));

async function main(argv: string[]): Promise<void> {
  const program = new Command('bench')
    .description('Training throughput of exp vs plain tfjs model.fit on simulated HIGGS events')
    .option('--backend <name>', 'auto | tensorflow | wasm | cpu', 'auto')
    .option('--steps <n>', 'timed steps per case, after warm-up', int, 100)
    .option('--warmup <n>', 'warm-up steps per case', int, 15)
    .option('--rounds <n>', 'alternating exp/model.fit rounds per case (each reports its fastest)', int, 3)
    .option('--networks <list>', 'deep,shallow', 'deep,shallow')
    .option('--batch <list>', 'batch sizes', intList, [100, 1000])
    .option('--optimizer <name>', 'optimizer for both paths (sgd, adam, adamax, nadam, rmsprop, adagrad)', 'nadam')
    .option('--no-baseline', 'skip the model.fit baseline')
    .option('--events <n>', 'instead: peak RSS of training the deep network on N simulated events', int)
    .option('--seed <n>', 'seed', int, 1)
    .option('--json', 'print JSON only');
  program.parse(argv, { from: 'user' });
  const o = program.opts<{
    backend: string; steps: number; warmup: number; rounds: number; networks: string; batch: number[]; baseline: boolean;
    events?: number; seed: number; json?: boolean; optimizer: string;
  }>();
  const log = (m: string) => { if (!o.json) process.stderr.write(m + '\n'); };
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(o.backend)) {
    throw new ExpError('usage', { message: `unknown backend "${o.backend}"`, hint: 'use auto, tensorflow, wasm or cpu' });
  }
  if (!(o.optimizer in OPTIMIZERS)) throw new ExpError('usage', { message: `unknown optimizer "${o.optimizer}"`, hint: `use one of ${Object.keys(OPTIMIZERS).join(', ')}` });
  const optimizer = o.optimizer as OptimizerName;
  const backend = await selectBackend(o.backend as BackendChoice, log);
  log(`backend ${backend.name}: ${backend.device}`);

  if (o.events) {
    const explicitSteps = program.getOptionValueSource('steps') === 'cli' ? o.steps : null;
    const r = await runEventsBench(o.events, 1000, explicitSteps, o.seed, optimizer, log);
    if (o.json) process.stdout.write(JSON.stringify({ backend, events: r }, null, 2) + '\n');
    else {
      console.log(`events ${r.events}: ${r.steps} steps at batch ${r.batch_size}, ${Math.round(r.samples_per_s)} samples/s, ` +
        `epochs completed ${r.epochs_completed}, val_auc ${r.val_auc?.toFixed(4) ?? '-'}`);
      console.log(`peak RSS ${r.peak_rss_mb.toFixed(0)} MB (after simulating: ${r.rss_before_mb.toFixed(0)} MB)`);
    }
    return;
  }

  const networks = o.networks.split(',').map((s) => s.trim()) as NetworkName[];
  for (const n of networks) if (n !== 'deep' && n !== 'shallow') throw new ExpError('usage', `unknown network "${n}" (deep or shallow)`);
  const report = await runTrainBench({ networks, batchSizes: o.batch, steps: o.steps, warmup: o.warmup, rounds: o.rounds, optimizer, baseline: o.baseline, seed: o.seed, log });

  if (o.json) {
    process.stdout.write(JSON.stringify({ backend, config: { steps: o.steps, warmup: o.warmup, rounds: o.rounds, optimizer }, ...report }, null, 2) + '\n');
    return;
  }
  const r0 = (v: number | null | undefined) => (v == null ? '-' : Math.round(v).toLocaleString('en-US'));
  const x = (v: number | null) => (v == null ? '-' : `x${v.toFixed(2)}`);
  const t = new Table({ head: ['network', 'batch', 'exp samples/s', 'exp ms/step', 'model.fit samples/s', 'model.fit ms/step', 'speed-up', 'peak RSS MB'] });
  for (const c of report.cases) {
    t.push([c.network, c.batch_size, r0(c.exp.samples_per_s), c.exp.ms_per_step.toFixed(2), r0(c.baseline?.samples_per_s), c.baseline?.ms_per_step.toFixed(2) ?? '-', x(c.speedup), c.peak_rss_mb.toFixed(0)]);
  }
  console.log(t.toString());
  const ti = new Table({ head: ['inference', 'batch', 'exp samples/s', 'model.predict samples/s', 'speed-up'] });
  for (const i of report.inference) ti.push([i.network, i.batch_size, r0(i.exp_samples_per_s), r0(i.baseline_samples_per_s), x(i.speedup)]);
  console.log(ti.toString());
  console.log(`data pipeline (shuffle + batch assembly, batch 100): ${r0(report.pipeline.samples_per_s)} samples/s = ` +
    `${report.pipeline.ratio_to_training?.toFixed(0) ?? '-'}x the fastest batch-100 training rate`);
  console.log(`optimizer ${optimizer} on both paths; peak RSS ${report.peak_rss_mb.toFixed(0)} MB; ${o.steps} timed steps per case and path in ${o.rounds} alternating rounds (fastest round reported), after ${o.warmup} warm-up steps`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof ExpError) {
    for (const p of e.problems) process.stderr.write(`bench: ${formatProblem(p)}\n`);
    process.exit(e.exitCode);
  }
  throw e;
});
