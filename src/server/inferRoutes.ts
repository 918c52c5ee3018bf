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
import type { AUModel } from '../index.js';
import { cardParameters } from './cardParameters.js';
import { infer } from './inferHandler.js';
import { type RouteContext, send, sendText, unavailable } from './respond.js';

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

/** Constant-time comparison of `Bearer <token>`. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (\S+)$/i.exec(header ?? '')?.[1] ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}
