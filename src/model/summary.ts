// Keras-style model summary: per-layer output shapes and parameter counts, as data and as
// the familiar text table (printed by `exp run --dry-run`, saved as summary.txt/json).
import type * as tf from '@tensorflow/tfjs';

export interface LayerSummary {
  name: string;
  /** Keras class name: Dense, Dropout, BatchNormalization, Activation. */
  type: string;
  /** e.g. [null, 300] */
  outputShape: Array<number | null>;
  params: number;
  trainableParams: number;
}

export interface ModelSummary {
  name: string;
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  text: string;
}

/** Class names of our own layers as Keras shows the equivalent built-in. */
const KERAS_CLASS: Record<string, string> = { SeededDropout: 'Dropout' };

function weightCount(weights: tf.LayerVariable[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

export function summarize(model: tf.LayersModel): ModelSummary {
  const layers: LayerSummary[] = model.layers.map((layer) => {
    const cls = layer.getClassName();
    const shape = layer.outputShape as Array<number | null>;
    return {
      name: layer.name,
      type: KERAS_CLASS[cls] ?? cls,
      outputShape: [...shape],
      params: layer.countParams(),
      trainableParams: weightCount(layer.trainableWeights),
    };
  });
  const totalParams = layers.reduce((n, l) => n + l.params, 0);
  const trainableParams = layers.reduce((n, l) => n + l.trainableParams, 0);
  const summary = { name: model.name, layers, totalParams, trainableParams, nonTrainableParams: totalParams - trainableParams };
  return { ...summary, text: formatSummary(summary) };
}

/** Keras's Sequential column widths; the first grows (unlike Keras, which truncates) so long names stay readable. */
const WIDTHS = [29, 26, 10];

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padEnd(widths[i])).join('').trimEnd();
}

export function formatShape(shape: Array<number | null>): string {
  return `(${shape.map((d) => (d == null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

function formatSummary(s: Omit<ModelSummary, 'text'>): string {
  const first = Math.max(WIDTHS[0], ...s.layers.map((l) => l.name.length + l.type.length + 4));
  const widths = [first, WIDTHS[1], WIDTHS[2]];
  const width = widths.reduce((a, b) => a + b, 0);
  const lines = [`Model: "${s.name}"`, '_'.repeat(width), row(['Layer (type)', 'Output Shape', 'Param #'], widths), '='.repeat(width)];
  s.layers.forEach((l, i) => {
    lines.push(row([`${l.name} (${l.type})`, formatShape(l.outputShape), String(l.params)], widths));
    lines.push(i === s.layers.length - 1 ? '='.repeat(width) : '_'.repeat(width));
  });
  const fmt = (n: number) => n.toLocaleString('en-US');
  lines.push(`Total params: ${fmt(s.totalParams)}`, `Trainable params: ${fmt(s.trainableParams)}`, `Non-trainable params: ${fmt(s.nonTrainableParams)}`);
  lines.push('_'.repeat(width));
  return lines.join('\n') + '\n';
}
