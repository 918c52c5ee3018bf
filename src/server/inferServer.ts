/**
 * `startInferServer`: a KServe v2 HTTP/REST inference server (the subset `RemoteAUModel` and
 * Triton's clients use) around one local `AUModel`, so many decode hosts share one model and
 * one GPU. Built only on the package's public API. Requests from all clients go through the
 * model's micro-batcher, so crops of different clients share batches.
 *
 * Load is bounded: at most `maxQueueCrops` crops are accepted and not yet answered; past that a
 * request gets 429 with `Retry-After` (503 while shutting down). Bodies over `maxBodyBytes` get
 * 413. Every error is a KServe `{"error": "..."}` body; the server keeps serving.
 *
 * @example
 * const server = await startInferServer({ model: 'models/auformer-tiny.onnx', port: 8000 });
 * // server.modelUrl === 'http://127.0.0.1:8000/v2/models/auformer-tiny'
 * await server.close();
 * @see docs/remote-inference.md
 */
import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AUModel, type AUModelOptions, OptionError, SinkError } from '../index.js';
import { handleRequest } from './inferRoutes.js';
import { ServerMetrics } from './serverMetrics.js';

export interface InferServerOptions {
  /** The AUFormer ONNX file to serve. */
  readonly model: string;
  /** Options of the served `AUModel` (providers, `maxBatch`, `maxWaitMs`, threads, variant). */
  readonly modelOptions?: Omit<AUModelOptions, 'output'>;
  /** Interface to bind. Defaults to '127.0.0.1' (local only; use '0.0.0.0' with a `token`). */
  readonly host?: string;
  /** Port; 0 = any free one. Defaults to 8000. */
  readonly port?: number;
  /** Bearer token every request but `/v2/health/*` must carry. Defaults to none (open). */
  readonly token?: string;
  /** Largest request body, in bytes. Defaults to 64 MiB. */
  readonly maxBodyBytes?: number;
  /** Crops accepted and not yet answered before requests get 429. Defaults to 8 x maxBatch. */
  readonly maxQueueCrops?: number;
  /** `Retry-After` of a 429 / 503, in whole seconds. Defaults to 1. */
  readonly retryAfterSeconds?: number;
  /** Longest wait, in ms, for requests in progress when closing. Defaults to 10000. */
  readonly drainMs?: number;
}

export interface InferServer {
  /** `http://host:port` (typed so that `AUModel.create(server.url)` is a `RemoteAUModel`). */
  readonly url: `http://${string}`;
  /** `http://host:port/v2/models/NAME`: what `--infer` takes. */
  readonly modelUrl: `http://${string}`;
  readonly port: number;
  /** The served model (its `stats` show which clients' crops shared each batch). */
  readonly model: AUModel;
  /** Prometheus text, as `GET /metrics` serves it. */
  metricsText(): string;
  /** Crops waiting now, the most that ever waited, and requests refused with 429. */
  load(): { readonly queuedCrops: number; readonly peakQueuedCrops: number; readonly shedRequests: number };
  /** Refuses new requests (503), answers those in progress, closes, disposes the model. */
  close(): Promise<void>;
}

const DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  maxBodyBytes: 64 * 1024 * 1024,
  retryAfterSeconds: 1,
  drainMs: 10_000,
};

export async function startInferServer(options: InferServerOptions): Promise<InferServer> {
  const o = { ...DEFAULTS, ...options };
  if (o.token !== undefined && (o.token.length === 0 || /\s/.test(o.token))) {
    throw new OptionError('startInferServer: "token" must be a non-empty string without whitespace.');
  }
  for (const key of ['maxBodyBytes', 'retryAfterSeconds', 'drainMs'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 0)
      throw new OptionError(`startInferServer: "${key}" must be an integer >= 0, got ${o[key]}`);
  }
  const model = await AUModel.create(o.model, { ...o.modelOptions, output: 'logits' });
  const maxQueueCrops = o.maxQueueCrops ?? 8 * model.maxBatch;
  if (!Number.isInteger(maxQueueCrops) || maxQueueCrops < model.maxBatch) {
    await model.dispose();
    throw new OptionError(
      `startInferServer: "maxQueueCrops" must be an integer >= maxBatch (${model.maxBatch}), got ${maxQueueCrops}`,
    );
  }
  const metrics = new ServerMetrics();
  const state = { closing: false, inProgress: 0 };
  const context = {
    model,
    metrics,
    state,
    maxQueueCrops,
    token: o.token,
    maxBodyBytes: o.maxBodyBytes,
    retryAfterSeconds: o.retryAfterSeconds,
  };
  const server = createServer((req, res) => {
    state.inProgress += 1;
    res.once('close', () => (state.inProgress -= 1));
    handleRequest(req, res, context);
  });
  const address = await listen(server, o.host, o.port).catch(async (error: unknown) => {
    await model.dispose();
    throw error;
  });
  const host =
    o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${host}:${address.port}` as const;
  let closed: Promise<void> | undefined;
  return {
    url,
    modelUrl: `${url}/v2/models/${encodeURIComponent(model.card.name)}`,
    port: address.port,
    model,
    metricsText: () => metrics.text(model, maxQueueCrops),
    load: () => ({
      queuedCrops: metrics.queuedCrops,
      peakQueuedCrops: metrics.peakQueuedCrops,
      shedRequests: metrics.shed,
    }),
    close: () => (closed ??= shutDown(server, model, state, o.drainMs)),
  };
}

async function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  try {
    const listening = once(server, 'listening');
    server.listen(port, host);
    await listening;
    return server.address() as AddressInfo;
  } catch (cause) {
    throw new SinkError(
      `infer-server cannot listen on ${host}:${port} (${(cause as Error).message}). Pick another port (0 = any free one).`,
      { cause },
    );
  }
}

async function shutDown(
  server: Server,
  model: AUModel,
  state: { closing: boolean; inProgress: number },
  drainMs: number,
): Promise<void> {
  state.closing = true;
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const deadline = Date.now() + drainMs;
  while (state.inProgress > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  server.closeAllConnections();
  await stopped;
  await model.dispose();
}
