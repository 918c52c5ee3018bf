/**
 * The framing of a KServe v2 HTTP body with Triton's binary tensor extension: a JSON header,
 * then the raw bytes of every tensor whose `parameters.binary_data_size` is set, in the order
 * the header lists them. `Inference-Header-Content-Length` gives the JSON's length; without it
 * the whole body is JSON. Shared by `RemoteAUModel` and `auformer infer-server`.
 *
 * ```
 * | {"inputs":[{"name":"images",...,"parameters":{"binary_data_size":602112}}]} | 602112 bytes |
 * |<------------------- Inference-Header-Content-Length ---------------------->|
 * ```
 *
 * @see https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_binary_data.md
 */

/** The header that tells where the JSON part of a binary body ends. */
export const INFERENCE_HEADER = 'inference-header-content-length';

/** A KServe v2 body split into its JSON header and the binary section after it. */
export interface KServeBody {
  readonly json: unknown;
  /** The bytes after the JSON (empty for a JSON-only body). */
  readonly binary: Uint8Array;
}

/** Builds a body from its JSON header and binary tensors; returns it with the header length. */
export function encodeKServeBody(
  json: unknown,
  binaries: readonly Uint8Array[] = [],
): { readonly body: Buffer; readonly headerLength: number } {
  const header = Buffer.from(JSON.stringify(json), 'utf8');
  const body = Buffer.concat([header, ...binaries]);
  return { body, headerLength: header.length };
}

/**
 * Splits `body` at `headerLength` (the `Inference-Header-Content-Length` value, or undefined
 * for a JSON-only body) and parses the JSON. A bad length or JSON throws a `SyntaxError` or
 * `RangeError` whose message says what is wrong.
 */
export function decodeKServeBody(body: Uint8Array, headerLength: string | number | undefined): KServeBody {
  let length = body.length;
  if (headerLength !== undefined) {
    length = Number(headerLength);
    if (!Number.isInteger(length) || length < 0 || length > body.length) {
      throw new RangeError(
        `Inference-Header-Content-Length is '${headerLength}', the body has ${body.length} bytes`,
      );
    }
  }
  const text = Buffer.from(body.buffer, body.byteOffset, length).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`the JSON header is not valid JSON (${(error as Error).message})`);
  }
  return { json, binary: body.subarray(length) };
}
