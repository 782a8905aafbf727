// One model of a run: compile it, train it, save it, score the test (and training) part and
// evaluate. Every epoch's metrics reach the run directory as soon as the epoch ends.
import { evaluateScores, type Evaluation } from '../evaluate/index.ts';
import { compileModel, createOptimizer, summarize } from '../model/index.ts';
import type { RunHandle } from '../runs/run.ts';
import { testSetFingerprint } from '../runs/predictions.ts';
import type { ResolvedModel, ResolvedSpec } from '../spec/index.ts';
import { fit, predict, schedulesFromSpec, stepsPerEpoch, type FitResult, type Matrix } from '../train/fit.ts';
import { createProgress } from '../train/progress.ts';
import type { PreparedData } from './prepare-data.ts';
import { selectColumns, streamSeed } from './prepare-data.ts';

export interface ModelOutcome {
  name: string;
  fit: FitResult;
  evaluation: Evaluation | null;
}

export async function trainModel(args: {
  name: string;
  model: ResolvedModel;
  spec: ResolvedSpec;
  inputs: readonly string[];
  data: PreparedData;
  run: RunHandle;
  signal: AbortSignal;
  log: (msg: string) => void;
}): Promise<ModelOutcome> {
  const { name, model: m, spec, data, run, signal, log } = args;
  const train = selectColumns(data.train, args.inputs);
  const validation = data.validation ? selectColumns(data.validation, args.inputs) : null;
  const test = selectColumns(data.test, args.inputs);

  const model = compileModel(m.layers, train.cols, { seed: spec.seed, name });
  const optimizer = createOptimizer(m.optimizer);
  try {
    const summary = summarize(model);
    run.writeText(`models/${name}/summary.txt`, summary.text);
    run.writeJson(`models/${name}/summary.json`, { ...summary, inputs: args.inputs });
    log(`${name}: ${summary.totalParams.toLocaleString('en-US')} parameters, ${train.cols} inputs, ${m.epochs} epochs of ${train.rows.toLocaleString('en-US')} events, batch ${m.batch_size}, ${m.optimizer.name}`);

    const result = await fit({
      model,
      optimizer,
      // fit adds the layers' regularization penalties itself
      loss: m.loss,
      train: asMatrix(train),
      validation: validation ? asMatrix(validation) : null,
      batchSize: m.batch_size,
      epochs: m.epochs,
      seed: streamSeed(spec.seed, `fit-${name}`),
      shuffle: m.shuffle,
      earlyStopping: m.early_stopping ?? null,
      checkpoint: m.checkpoint,
      ...schedulesFromSpec(m.optimizer, m.epochs, stepsPerEpoch(train.rows, m.batch_size)),
      onEpochEnd: (metrics) => run.appendEpoch(name, withoutNulls(metrics)),
      onBest: async () => {
        await run.saveModel(name, model, 'best');
      },
      signal,
      progress: createProgress({ label: name }),
    });
    await run.saveModel(name, model, 'model');
    if (result.interrupted) return { name, fit: result, evaluation: null };

    const testScores = predict(model, test.x, test.rows, test.cols);
    const trainScores = spec.evaluation.ks_test ? predict(model, train.x, train.rows, train.cols) : null;
    if (spec.evaluation.save_predictions) {
      run.savePredictions(name, testScores, test.y, { test_fingerprint: testSetFingerprint(data.fingerprint, data.testRows) });
    }
    const sig = spec.evaluation.significance;
    const evaluation = evaluateScores({
      test: { scores: testScores, labels: test.y },
      train: trainScores ? { scores: trainScores, labels: train.y } : undefined,
      options: {
        maxRocPoints: spec.evaluation.roc_points,
        backgroundEfficiencies: spec.evaluation.background_efficiencies,
        aucSe: spec.evaluation.auc_error,
        bootstrap: { replicates: spec.evaluation.bootstrap_samples, seed: streamSeed(spec.seed, `bootstrap-${name}`) },
        yields: sig ? { signal: sig.signal_events, background: sig.background_events } : undefined,
      },
    });
    run.writeEvaluation(name, evaluation);
    log(`${name}: test AUC ${evaluation.auc.toFixed(4)}${evaluation.auc_se != null ? ` +- ${evaluation.auc_se.toFixed(4)}` : ''}, accuracy ${evaluation.accuracy.toFixed(4)}, loss ${evaluation.loss.toFixed(4)}`);
    return { name, fit: result, evaluation };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

function asMatrix(t: { x: Float32Array; y: Float32Array; rows: number; cols: number }): Matrix {
  return { x: t.x, y: t.y, rows: t.rows, cols: t.cols };
}

/** The run store's metrics rows leave a metric out rather than writing null (no validation part). */
function withoutNulls<T extends object>(metrics: T): { epoch: number; [k: string]: number | undefined } {
  const out: Record<string, number | undefined> = {};
  for (const [k, v] of Object.entries(metrics)) if (typeof v === 'number') out[k] = v;
  return out as { epoch: number; [k: string]: number | undefined };
}
