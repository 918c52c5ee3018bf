/**
 * `POST /v2/models/NAME/infer`: reads the body (413 past `maxBodyBytes`), checks the request
 * (400), sheds load past `maxQueueCrops` (429 + `Retry-After`), runs every crop through the
 * shared model's micro-batcher (tagged with the client, for batch statistics) and answers the
 * logits as binary tensor data or JSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { INFERENCE_HEADER, encodeKServeBody } from '../index.js';
import { InferRequestError, parseInferRequest } from './parseInferRequest.js';
import { BodyTooLargeError, readBody } from './readBody.js';
import { type RouteContext, send, unavailable } from './respond.js';

export async function infer(req: IncomingMessage, res: ServerResponse, c: RouteContext): Promise<void> {
  if (c.state.closing) return unavailable(res, c, 'shutting down');
  let body: Buffer;
  try {
    body = await readBody(req, c.maxBodyBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    req.resume(); // discard the rest; the connection closes after the answer
    return send(res, c, 413, { error: error.message }, { connection: 'close' });
  }
  const started = process.hrtime.bigint();
  let request;
  try {
    const header = req.headers[INFERENCE_HEADER];
    request = parseInferRequest(
      body,
      Array.isArray(header) ? header[0] : header,
      c.model.card,
      c.model.maxBatch,
    );
  } catch (error) {
    if (error instanceof InferRequestError) return send(res, c, error.status, { error: error.message });
    throw error;
  }
  const n = request.crops.length;
  if (c.metrics.queuedCrops + n > c.maxQueueCrops) {
    c.metrics.shed += 1;
    return send(
      res,
      c,
      429,
      { error: `queue full (${c.metrics.queuedCrops} of ${c.maxQueueCrops} crops waiting); retry later` },
      { 'retry-after': String(c.retryAfterSeconds) },
    );
  }
  c.metrics.queuedCrops += n;
  const tag = request.clientId ?? `${req.socket.remoteAddress}:${req.socket.remotePort}`;
  let rows: Float32Array[];
  try {
    rows = await Promise.all(request.crops.map((write) => c.model.inferWith(write, tag)));
  } finally {
    c.metrics.queuedCrops -= n;
  }
  const logits = new Float32Array(n * c.model.card.auNames.length);
  rows.forEach((row, i) => logits.set(row, i * row.length));
  c.metrics.inferred(Number(process.hrtime.bigint() - started) / 1e9);
  const output = { name: 'logits', datatype: 'FP32', shape: [n, c.model.card.auNames.length] };
  const head = {
    model_name: c.model.card.name,
    model_version: '1',
    ...(request.id === undefined ? {} : { id: request.id }),
  };
  if (!request.binaryOutput)
    return send(res, c, 200, { ...head, outputs: [{ ...output, data: Array.from(logits) }] });
  const bytes = new Uint8Array(logits.buffer);
  const { body: out, headerLength } = encodeKServeBody(
    { ...head, outputs: [{ ...output, parameters: { binary_data_size: bytes.length } }] },
    [bytes],
  );
  c.metrics.request(200);
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    [INFERENCE_HEADER]: String(headerLength),
    'content-length': out.length,
  });
  res.end(out);
}
