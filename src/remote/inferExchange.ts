/**
 * The client side of one KServe v2 infer call: a batch of crops becomes a binary request
 * (input `images` as FP32 or UINT8, output `logits` asked for as binary), and the answer's
 * `logits` (binary or JSON `data`) become one Float32Array of `count x n` values.
 */
import { ModelError } from '../errors.js';
import type { ModelCard } from '../types/model.js';
import type { HttpAnswer } from './httpCall.js';
import { INFERENCE_HEADER, decodeKServeBody, encodeKServeBody } from './kserveBody.js';
import type { CropDatatype } from './remoteModelInfo.js';
import { cropsToUint8 } from '../model/uint8Crops.js';

/** Encodes `count` crops of `tensor`; the bytes are copied, so the tensor may be reused at once. */
export function encodeInferRequest(
  tensor: Float32Array,
  count: number,
  card: ModelCard,
  datatype: CropDatatype,
  clientId: string,
): { readonly body: Buffer; readonly headerLength: number } {
  const values = count * 3 * card.inputHeight * card.inputWidth;
  const data =
    datatype === 'UINT8'
      ? cropsToUint8(tensor, count, card)
      : new Uint8Array(tensor.buffer, tensor.byteOffset, values * 4);
  const header = {
    parameters: { client_id: clientId },
    inputs: [
      {
        name: 'images',
        shape: [count, 3, card.inputHeight, card.inputWidth],
        datatype,
        parameters: { binary_data_size: data.byteLength },
      },
    ],
    outputs: [{ name: 'logits', parameters: { binary_data: true } }],
  };
  return encodeKServeBody(header, [data]);
}

interface OutputTensor {
  readonly name?: unknown;
  readonly datatype?: unknown;
  readonly shape?: unknown;
  readonly data?: unknown;
  readonly parameters?: { readonly binary_data_size?: unknown };
}

/** The `logits` of a 200 answer for `count` crops of `n` AUs; anything else is a protocol error. */
export function decodeInferResponse(
  answer: HttpAnswer,
  count: number,
  n: number,
  where: string,
): Float32Array {
  const fail = (what: string, cause?: unknown): ModelError =>
    new ModelError(
      'AUF_ERR_REMOTE_PROTOCOL',
      `${where} sent an infer answer that is not KServe v2: ${what}.`,
      { cause },
    );
  let parsed;
  try {
    parsed = decodeKServeBody(answer.body, answer.headers.get(INFERENCE_HEADER) ?? undefined);
  } catch (error) {
    throw fail((error as Error).message, error);
  }
  const outputs = (parsed.json as { outputs?: unknown }).outputs;
  if (!Array.isArray(outputs)) throw fail("no 'outputs' list");
  let offset = 0;
  for (const output of outputs as OutputTensor[]) {
    const size = Number(output.parameters?.binary_data_size ?? 0);
    if (output.name === 'logits') {
      if (output.datatype !== 'FP32') throw fail(`'logits' is ${String(output.datatype)}, not FP32`);
      const shape = Array.isArray(output.shape) ? output.shape.map(Number) : [];
      if (shape.join() !== [count, n].join())
        throw fail(`'logits' has shape ${JSON.stringify(output.shape)}, expected [${count}, ${n}]`);
      if (size > 0) {
        if (size !== count * n * 4 || offset + size > parsed.binary.length)
          throw fail(`'logits' binary_data_size ${size} does not fit`);
        // Copy out: the body's offset need not be 4-byte aligned.
        return new Float32Array(new Uint8Array(parsed.binary.subarray(offset, offset + size)).buffer);
      }
      const data = Array.isArray(output.data) ? (output.data.flat(Infinity) as unknown[]) : [];
      if (data.length !== count * n || !data.every((v) => typeof v === 'number'))
        throw fail(`'logits' data has ${data.length} numbers, expected ${count * n}`);
      return Float32Array.from(data as number[]);
    }
    offset += size;
  }
  throw fail("no 'logits' output");
}
