/**
 * The routes of `startInferServer` (KServe v2 HTTP/REST, plus Triton's repository index):
 *
 * ```
 * GET  /v2                          server metadata       GET  /v2/health/live | ready
 * GET  /v2/models/NAME[/versions/1] model metadata (card in `parameters`)
 * GET  /v2/models/NAME/ready        model ready           POST /v2/models/NAME/infer
 * POST /v2/repository/index         [{name, version, state}]   GET /metrics (Prometheus)
 * ```
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AUModel, INFERENCE_HEADER, encodeKServeBody } from '../index.js';
import { cardParameters } from './cardParameters.js';
import { InferRequestError, parseInferRequest } from './parseInferRequest.js';
import { BodyTooLargeError, readBody } from './readBody.js';
import type { ServerMetrics } from './serverMetrics.js';

export interface RouteContext {
  readonly model: AUModel;
  readonly metrics: ServerMetrics;
  readonly state: { readonly closing: boolean };
  readonly maxQueueCrops: number;
  readonly token: string | undefined;
  readonly maxBodyBytes: number;
  readonly retryAfterSeconds: number;
}

const MODEL_ROUTE = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;

export function handleRequest(req: IncomingMessage, res: ServerResponse, c: RouteContext): void {
  route(req, res, c).catch((error: unknown) => {
    if (!res.headersSent) send(res, c, 500, { error: `internal error: ${(error as Error).message}` });
    else res.destroy();
  });
}

async function route(req: IncomingMessage, res: ServerResponse, c: RouteContext): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const { card } = c.model;
  if (path === '/v2/health/live') return send(res, c, 200, {});
  if (path === '/v2/health/ready')
    return c.state.closing ? unavailable(res, c, 'shutting down') : send(res, c, 200, {});
  if (c.token !== undefined && !tokenMatches(req.headers.authorization, c.token)) {
    return send(
      res,
      c,
      401,
      { error: 'missing or wrong bearer token (Authorization: Bearer <token>)' },
      { 'www-authenticate': 'Bearer' },
    );
  }
  if (path === '/metrics') return sendText(res, c, c.metrics.text(c.model, c.maxQueueCrops));
  if (path === '/v2')
    return send(res, c, 200, {
      name: 'auformer-infer-server',
      version: '1',
      extensions: ['binary_tensor_data'],
    });
  if (path === '/v2/repository/index' && req.method === 'POST') {
    return send(res, c, 200, [
      { name: card.name, version: '1', state: c.state.closing ? 'UNAVAILABLE' : 'READY' },
    ]);
  }
  const match = MODEL_ROUTE.exec(path);
  if (
    !match ||
    decodeURIComponent(match[1] as string) !== card.name ||
    (match[2] !== undefined && match[2] !== '1')
  ) {
    return send(res, c, 404, {
      error: `no such route or model: ${path} (this server has /v2/models/${card.name})`,
    });
  }
  if (match[3] === '/infer') {
    if (req.method !== 'POST') return send(res, c, 405, { error: 'infer takes POST' }, { allow: 'POST' });
    return infer(req, res, c);
  }
  if (match[3] === '/ready')
    return c.state.closing ? unavailable(res, c, 'shutting down') : send(res, c, 200, {});
  return send(res, c, 200, metadata(c.model));
}

function metadata(model: AUModel): unknown {
  const { card } = model;
  return {
    name: card.name,
    versions: ['1'],
    platform: 'onnxruntime_onnx',
    inputs: [
      {
        name: 'images',
        datatype: card.inputDtype === 'uint8' ? 'UINT8' : 'FP32',
        shape: [-1, 3, card.inputHeight, card.inputWidth],
      },
    ],
    outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, card.auNames.length] }],
    // The card, plus what only this server offers: UINT8 crops too, and its batch size.
    parameters: {
      ...cardParameters(card),
      input_datatypes: 'FP32,UINT8',
      max_batch_size: String(model.maxBatch),
    },
  };
}

async function infer(req: IncomingMessage, res: ServerResponse, c: RouteContext): Promise<void> {
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

function unavailable(res: ServerResponse, c: RouteContext, why: string): void {
  send(res, c, 503, { error: `unavailable: ${why}` }, { 'retry-after': String(c.retryAfterSeconds) });
}

function send(
  res: ServerResponse,
  c: RouteContext,
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
): void {
  c.metrics.request(status);
  const text = JSON.stringify(json);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendText(res: ServerResponse, c: RouteContext, text: string): void {
  c.metrics.request(200);
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  res.end(text);
}

/** Constant-time comparison of `Bearer <token>`. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (\S+)$/i.exec(header ?? '')?.[1] ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}
