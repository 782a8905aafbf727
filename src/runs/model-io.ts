// Saving and loading tfjs LayersModels as files. The pure-JS @tensorflow/tfjs has no file://
// handler (only tfjs-node does, and it is optional here), so this is a small tf.io.IOHandler
// that writes the standard layers-model format: model.json (topology + weightsManifest) and
// one weights.bin, loadable by tf.loadLayersModel in any tfjs flavour and by the converter.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ExpError } from '../errors.ts';
import { writeFileAtomic } from '../util/atomic.ts';

function joinWeights(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/** An IOHandler that saves to `dir`/model.json and `dir`/weights.bin, each atomically. */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return {
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      const weights = joinWeights(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology!,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      // weights first: model.json appearing last means a complete pair exists
      writeFileAtomic(join(dir, 'weights.bin'), weights);
      const text = JSON.stringify(modelJson);
      writeFileAtomic(join(dir, 'model.json'), text);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: text.length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
  };
}

/** Reads model.json and its weight files from `dir` into ModelArtifacts. */
export function readModelArtifacts(dir: string): tf.io.ModelArtifacts {
  const file = join(dir, 'model.json');
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as tf.io.ModelJSON;
  } catch (e) {
    throw new ExpError('model', { message: `cannot read saved model ${file}: ${(e as Error).message}`, hint: 'is this a run directory with a finished model?' });
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const group of json.weightsManifest ?? []) {
    specs.push(...group.weights);
    for (const p of group.paths) parts.push(readFileSync(join(dir, p)));
  }
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const buf = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    buf.set(p, off);
    off += p.byteLength;
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata,
    weightSpecs: specs,
    weightData: buf.buffer,
  };
}

export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(fileSaveHandler(dir));
}

/** Loads a model saved by saveLayersModel (or any tfjs layers-model directory). */
export async function loadLayersModel(dir: string): Promise<tf.LayersModel> {
  const artifacts = readModelArtifacts(dir);
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
