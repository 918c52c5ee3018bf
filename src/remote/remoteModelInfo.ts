/**
 * What a `RemoteAUModel` learns from a KServe v2 server about its model: the card (from the
 * model metadata's `parameters`, or for Triton from the model configuration's `parameters`,
 * where `model/`'s repository writer puts it), the input datatype, and the largest batch.
 */
import { ModelError } from '../errors.js';
import { cardFromMetadata } from '../model/modelCard.js';
import type { ModelCard } from '../types/model.js';

/** Datatypes a `RemoteAUModel` can send crops as. */
export type CropDatatype = 'FP32' | 'UINT8';

export interface RemoteModelInfo {
  readonly card: ModelCard;
  /** Datatypes the model's `images` input takes (auformer infer-server takes both). */
  readonly datatypes: readonly CropDatatype[];
  /** The server's `max_batch_size`, when it says. */
  readonly maxBatch: number | undefined;
}

interface TensorMetadata {
  readonly name?: unknown;
  readonly datatype?: unknown;
  readonly shape?: unknown;
}

/**
 * Throws `AUF_ERR_MODEL_CARD` unless `b` serves the model `a` does (name, version, AUs, input
 * size) and takes crops as `datatype` (when given): endpoints of one RemoteAUModel must agree.
 */
export function assertSameModel(a: RemoteModelInfo, b: RemoteModelInfo, datatype?: CropDatatype): void {
  const key = (i: RemoteModelInfo): string =>
    JSON.stringify([i.card.name, i.card.version, i.card.auNames, i.card.inputWidth, i.card.inputHeight]);
  if (key(a) !== key(b) || (datatype !== undefined && !b.datatypes.includes(datatype))) {
    throw new ModelError(
      'AUF_ERR_MODEL_CARD',
      `The --infer endpoints serve different models (${key(a)} vs ${key(b)}, ${b.datatypes.join('/')} crops); give URLs of one model.`,
    );
  }
}

/** The `parameters` values of KServe metadata (plain) or of a Triton config (`{string_value}`). */
function stringParameters(parameters: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof parameters !== 'object' || parameters === null) return out;
  for (const [key, value] of Object.entries(parameters as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { string_value?: unknown }).string_value === 'string'
    ) {
      out[key] = (value as { string_value: string }).string_value;
    }
  }
  return out;
}

/** True when the metadata's parameters carry a card (else ask the model config). */
export function hasCard(metadata: unknown): boolean {
  return stringParameters((metadata as { parameters?: unknown })?.parameters)['au_names'] !== undefined;
}

/**
 * Reads the card and input/output contract from `metadata` (GET /v2/models/NAME) and, when
 * the metadata has no card, `config` (GET /v2/models/NAME/config, Triton). `where` names the
 * model in messages.
 */
export function remoteModelInfo(metadata: unknown, config: unknown, where: string): RemoteModelInfo {
  const m = metadata as { inputs?: unknown; outputs?: unknown; parameters?: unknown };
  const params = {
    ...stringParameters((config as { parameters?: unknown })?.parameters),
    ...stringParameters(m?.parameters),
  };
  const card = cardFromMetadata(params, where);
  const inputs = Array.isArray(m?.inputs) ? (m.inputs as TensorMetadata[]) : [];
  const outputs = Array.isArray(m?.outputs) ? (m.outputs as TensorMetadata[]) : [];
  const images = inputs.find((t) => t.name === 'images');
  const logits = outputs.find((t) => t.name === 'logits');
  const shape = (t: TensorMetadata | undefined): string => JSON.stringify(t?.shape ?? null);
  const problem = (what: string): ModelError =>
    new ModelError(
      'AUF_ERR_MODEL_SHAPE',
      `Remote model ${where} does not follow the AUFormer export contract: ${what} (input images ${shape(images)} ` +
        `${String(images?.datatype)}, output logits ${shape(logits)}). Serve a model exported by model/.`,
    );
  if (!images || !logits) throw problem("it needs input 'images' and output 'logits'");
  const dims = Array.isArray(images.shape) ? images.shape.map(Number) : [];
  // With batching, Triton lists the batch axis as -1; without it the shape is [3, H, W].
  const chw = dims.length === 4 ? dims.slice(1) : dims;
  if (chw.join() !== [3, card.inputHeight, card.inputWidth].join()) {
    throw problem(`input 'images' must be [-1, 3, ${card.inputHeight}, ${card.inputWidth}]`);
  }
  const outDims = Array.isArray(logits.shape) ? logits.shape.map(Number) : [];
  if (outDims[outDims.length - 1] !== card.auNames.length) {
    throw problem(`output 'logits' must end in ${card.auNames.length} (the card's AUs)`);
  }
  const declared = images.datatype === 'UINT8' ? 'UINT8' : images.datatype === 'FP32' ? 'FP32' : undefined;
  if (!declared) throw problem("input 'images' must be FP32 or UINT8");
  const also = (params['input_datatypes'] ?? '')
    .split(',')
    .filter((d): d is CropDatatype => d === 'FP32' || d === 'UINT8');
  const maxBatch = Number(
    params['max_batch_size'] ?? (config as { max_batch_size?: unknown })?.max_batch_size,
  );
  return {
    card,
    datatypes: [...new Set<CropDatatype>([declared, ...also])],
    maxBatch: Number.isInteger(maxBatch) && maxBatch > 0 ? maxBatch : undefined,
  };
}
