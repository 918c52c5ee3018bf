/**
 * Reads and checks one KServe v2 infer request for an AUFormer model: input `images`
 * `[n, 3, H, W]` as FP32 (normalised, as `warpToTensor` writes) or UINT8 (pixel values,
 * normalised here with the card's mean/std), as JSON `data` or as binary tensor data. Every
 * problem is an `InferRequestError` with the HTTP status and the text of the error body.
 */
import { type CropWriter, type ModelCard, decodeKServeBody, uint8CropWriter } from '../index.js';

export class InferRequestError extends Error {
  constructor(
    readonly status: 400 | 413 | 429,
    message: string,
  ) {
    super(message);
    this.name = 'InferRequestError';
  }
}

export interface InferRequest {
  readonly id: string | undefined;
  /** `parameters.client_id`, or the peer address: the tag crops carry in batch statistics. */
  readonly clientId: string | undefined;
  /** One writer per crop, in order. */
  readonly crops: readonly CropWriter[];
  /** Whether to send `logits` as binary tensor data. */
  readonly binaryOutput: boolean;
}

interface InputTensor {
  readonly name?: unknown;
  readonly shape?: unknown;
  readonly datatype?: unknown;
  readonly data?: unknown;
  readonly parameters?: { readonly binary_data_size?: unknown };
}

const bad = (message: string): InferRequestError => new InferRequestError(400, message);

export function parseInferRequest(
  body: Uint8Array,
  headerLength: string | undefined,
  card: ModelCard,
  maxBatch: number,
): InferRequest {
  let parsed;
  try {
    parsed = decodeKServeBody(body, headerLength);
  } catch (error) {
    throw bad(`malformed request: ${(error as Error).message}`);
  }
  const json = parsed.json as {
    id?: unknown;
    inputs?: unknown;
    outputs?: unknown;
    parameters?: Record<string, unknown>;
  };
  if (typeof json !== 'object' || json === null || !Array.isArray(json.inputs))
    throw bad("the request needs an 'inputs' list");
  const inputs = json.inputs as InputTensor[];
  const images = inputs.find((t) => t?.name === 'images');
  if (!images || inputs.length !== 1)
    throw bad(
      `the model takes exactly one input, 'images' (got ${inputs.map((t) => String(t?.name)).join(', ')})`,
    );
  const chw = [3, card.inputHeight, card.inputWidth];
  const shape = Array.isArray(images.shape) ? images.shape : [];
  const count = shape[0];
  if (
    shape.length !== 4 ||
    !shape.every((d) => Number.isInteger(d)) ||
    shape.slice(1).join() !== chw.join() ||
    !(count >= 1)
  ) {
    throw bad(
      `input 'images' has shape ${JSON.stringify(images.shape)}; expected [n, ${chw.join(', ')}] with n >= 1`,
    );
  }
  if (count > maxBatch) throw bad(`input 'images' holds ${count} crops; max_batch_size is ${maxBatch}`);
  if (images.datatype !== 'FP32' && images.datatype !== 'UINT8') {
    throw bad(`input 'images' has datatype ${JSON.stringify(images.datatype)}; expected FP32 or UINT8`);
  }
  const values = count * chw[0]! * chw[1]! * chw[2]!;
  const data =
    images.datatype === 'FP32' ? floats(images, parsed.binary, values) : bytes(images, parsed.binary, values);
  const plane = values / count;
  const crops = Array.from({ length: count }, (_, i): CropWriter =>
    data instanceof Uint8Array
      ? uint8CropWriter(data, i * plane, card)
      : (target, offset) => target.set(data.subarray(i * plane, (i + 1) * plane), offset),
  );
  const outputs = Array.isArray(json.outputs)
    ? (json.outputs as { name?: unknown; parameters?: { binary_data?: unknown } }[])
    : [];
  const unknown = outputs.find((o) => o?.name !== 'logits');
  if (unknown)
    throw bad(`unknown output ${JSON.stringify(unknown?.name)}; the model has one output, 'logits'`);
  const binaryOutput =
    json.parameters?.['binary_data_output'] === true ||
    outputs.some((o) => o.parameters?.binary_data === true);
  const clientId = json.parameters?.['client_id'];
  return {
    id: typeof json.id === 'string' ? json.id : undefined,
    clientId: typeof clientId === 'string' ? clientId.slice(0, 128) : undefined,
    crops,
    binaryOutput,
  };
}

/** The tensor's raw bytes: its binary section (checked against `binary_data_size`) or JSON data. */
function raw(tensor: InputTensor, binary: Uint8Array, byteLength: number): Uint8Array | undefined {
  const size = tensor.parameters?.binary_data_size;
  if (size === undefined) {
    if (binary.length > 0)
      throw bad('binary data follows the JSON header, but no input has binary_data_size');
    return undefined;
  }
  if (size !== byteLength)
    throw bad(
      `input 'images' binary_data_size is ${JSON.stringify(size)}; its shape and datatype take ${byteLength} bytes`,
    );
  if (binary.length !== byteLength)
    throw bad(
      `the body holds ${binary.length} binary bytes after the header; binary_data_size says ${byteLength}`,
    );
  return binary;
}

function jsonData(tensor: InputTensor, values: number): number[] {
  const data = Array.isArray(tensor.data) ? (tensor.data.flat(Infinity) as unknown[]) : undefined;
  if (!data) throw bad("input 'images' has neither binary_data_size nor a 'data' list");
  if (data.length !== values)
    throw bad(`input 'images' data has ${data.length} values; its shape takes ${values}`);
  if (!data.every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw bad("input 'images' data must hold finite numbers");
  return data as number[];
}

function floats(tensor: InputTensor, binary: Uint8Array, values: number): Float32Array {
  const bytes = raw(tensor, binary, values * 4);
  if (!bytes) return Float32Array.from(jsonData(tensor, values));
  // A Float32Array view needs a 4-byte-aligned offset; the header length rarely gives one.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  return new Float32Array(aligned.buffer, aligned.byteOffset, values);
}

function bytes(tensor: InputTensor, binary: Uint8Array, values: number): Uint8Array {
  const data = raw(tensor, binary, values);
  if (data) return data;
  const numbers = jsonData(tensor, values);
  if (!numbers.every((v) => Number.isInteger(v) && v >= 0 && v <= 255))
    throw bad("UINT8 input 'images' data must be integers 0..255");
  return Uint8Array.from(numbers);
}
