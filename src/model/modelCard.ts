/**
 * Turns an AUFormer ONNX file's `metadata_props` into a `ModelCard` (contract in
 * docs/model-card.md, written by `model/auformer/export.py`).
 */
import { readFile } from 'node:fs/promises';
import { ModelError } from '../errors.js';
import type { Point } from '../types/face.js';
import type { ModelCard } from '../types/model.js';
import { readOnnxMetadata } from './onnxMetadata.js';

const REQUIRED = ['au_names', 'input_size', 'mean', 'std', 'alignment_template'] as const;

function fail(path: string, problem: string): ModelError {
  return new ModelError(
    'AUF_ERR_MODEL_CARD',
    `'${path}' is not a usable AUFormer model: ${problem}. Export the model with ` +
      '`python -m auformer.export` (model/README.md), which writes the model card into the ONNX metadata.',
  );
}

function json(path: string, props: Readonly<Record<string, string>>, key: string): unknown {
  try {
    return JSON.parse(props[key] as string);
  } catch {
    throw fail(path, `metadata '${key}' is not valid JSON`);
  }
}

function numbers(path: string, value: unknown, key: string, length?: number): number[] {
  const ok =
    Array.isArray(value) &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    (length === undefined || value.length === length);
  if (!ok) throw fail(path, `metadata '${key}' must be an array of ${length ?? 'N'} numbers`);
  return value as number[];
}

/** Parses and validates the card in an ONNX file's bytes; `path` is only used in messages. */
export function parseModelCard(bytes: Uint8Array, path: string): ModelCard {
  let props: Record<string, string>;
  try {
    props = readOnnxMetadata(bytes);
  } catch (cause) {
    throw new ModelError(
      'AUF_ERR_MODEL_LOAD',
      `'${path}' is not an ONNX model (${(cause as Error).message}). Pass the .onnx file that model/ exported.`,
      { cause },
    );
  }
  return cardFromMetadata(props, path);
}

/**
 * Validates a card given as its metadata entries (ONNX `metadata_props`, or a KServe model's
 * metadata `parameters`); `path` names where it came from in messages.
 */
export function cardFromMetadata(props: Readonly<Record<string, string>>, path: string): ModelCard {
  const missing = REQUIRED.filter((k) => props[k] === undefined);
  if (missing.length > 0) throw fail(path, `metadata lacks ${missing.join(', ')}`);

  const auNames = json(path, props, 'au_names');
  if (!Array.isArray(auNames) || auNames.length === 0 || !auNames.every((n) => typeof n === 'string')) {
    throw fail(path, "metadata 'au_names' must be a non-empty array of strings");
  }
  const [inputHeight, inputWidth] = numbers(path, json(path, props, 'input_size'), 'input_size', 2) as [
    number,
    number,
  ];
  const mean = numbers(path, json(path, props, 'mean'), 'mean', 3) as [number, number, number];
  const std = numbers(path, json(path, props, 'std'), 'std', 3) as [number, number, number];
  const template = json(path, props, 'alignment_template');
  if (!Array.isArray(template) || template.length !== 4) {
    throw fail(path, "metadata 'alignment_template' must hold 4 [x, y] points");
  }
  const alignmentTemplate: Point[] = template.map((p) => {
    const [x, y] = numbers(path, p, 'alignment_template', 2) as [number, number];
    return { x, y };
  });
  const thresholds =
    props['thresholds'] === undefined
      ? auNames.map(() => 0.5)
      : numbers(path, json(path, props, 'thresholds'), 'thresholds', auNames.length);

  const keypointSource = props['keypoint_source'] ?? 'blazeface';
  if (keypointSource !== 'blazeface' && keypointSource !== 'mesh') {
    throw fail(path, `metadata 'keypoint_source' must be 'blazeface' or 'mesh', got '${keypointSource}'`);
  }

  const inputDtype = props['input_dtype'] ?? 'float32';
  if (inputDtype !== 'float32' && inputDtype !== 'uint8') {
    throw fail(path, `metadata 'input_dtype' must be "float32" or "uint8", got ${JSON.stringify(inputDtype)}`);
  }
  return {
    name: props['name'] ?? 'unnamed',
    version: props['version'] ?? '0',
    auNames: auNames as string[],
    inputWidth,
    inputHeight,
    mean,
    std,
    alignmentTemplate,
    keypointSource,
    thresholds,
    trainingData: props['training_data'] ?? 'unknown',
    licence: props['licence'] ?? 'unknown',
    description: props['description'] ?? '',
    inputDtype,
    untrained: props['untrained'] === 'true',
  };
}

/** Reads the card of the ONNX file at `path`. */
export async function readModelCard(path: string): Promise<ModelCard> {
  return parseModelCard(await readModelBytes(path), path);
}

/** Reads a model file; a missing file is a `ModelError` that says where it looked. */
export async function readModelBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new ModelError(
      'AUF_ERR_MODEL_LOAD',
      `Cannot read model file '${path}' (${(cause as NodeJS.ErrnoException).code ?? cause}). ` +
        'Check the path passed as --model / AUModel.create(path).',
      { cause },
    );
  }
}
