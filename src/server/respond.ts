/** How `startInferServer` answers: JSON (KServe `{"error": "..."}` for errors) or text, counted in its metrics. */
import type { ServerResponse } from 'node:http';
import type { AUModel } from '../index.js';
import type { ServerMetrics } from './serverMetrics.js';

/** What every route needs: the model, the counters, the limits. */
export interface RouteContext {
  readonly model: AUModel;
  readonly metrics: ServerMetrics;
  readonly state: { readonly closing: boolean };
  readonly maxQueueCrops: number;
  readonly token: string | undefined;
  readonly maxBodyBytes: number;
  readonly retryAfterSeconds: number;
}

export function unavailable(res: ServerResponse, c: RouteContext, why: string): void {
  send(res, c, 503, { error: `unavailable: ${why}` }, { 'retry-after': String(c.retryAfterSeconds) });
}

export function send(
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

export function sendText(res: ServerResponse, c: RouteContext, text: string): void {
  c.metrics.request(200);
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  res.end(text);
}
