/**
 * Options of `serveWebSocket`, their defaults (one `DEFAULTS` const) and their validation.
 */
import type { MeshPointCount } from '../landmarkRecord.js';
import type { Server as HttpServer } from 'node:http';
import { OptionError } from '../../errors.js';
import type { ModelCard } from '../../types/model.js';
import { WIRE_ENCODINGS, type WireEncoding } from './protocol.js';

export interface ServeWebSocketOptions {
  /** Interface to bind. Defaults to '127.0.0.1' (local only; use '0.0.0.0' with a `token`). */
  host?: string;
  /** TCP port; 0 picks a free one (read it from `server.port`). Defaults to 0. */
  port?: number;
  /** URL path of the endpoint. Defaults to '/ws'. */
  path?: string;
  /**
   * An existing, listening (or about to listen) HTTP(S) server to attach to instead of binding
   * `host`/`port`, e.g. a dashboard's. Upgrade requests for other paths are left to it, and
   * `close()` leaves it running. Defaults to none.
   */
  server?: HttpServer;
  /** Encoding for clients that do not ask with `?encoding=json|msgpack`. Defaults to 'msgpack'. */
  encoding?: WireEncoding;
  /** Bearer token required at the upgrade request (header or `?token=`). Defaults to none (open). */
  token?: string;
  /** Browser origins allowed to connect (requests without `Origin` always pass). Defaults to any. */
  allowedOrigins?: readonly string[];
  /** Largest client message, in bytes; larger ones close the connection with 1009. Defaults to 65536. */
  maxPayload?: number;
  /** Ping interval in ms; a client that has not answered the previous ping is cut. 0 disables. Defaults to 30000. */
  heartbeatMs?: number;
  /** Most messages one client may have unsent before it is dropped (close 4008). Defaults to 512. */
  maxQueuedMessages?: number;
  /** Most bytes one client may have unsent before it is dropped (close 4008). Defaults to 4194304 (4 MiB). */
  maxQueuedBytes?: number;
  /** Invalid client messages tolerated per connection; the next one closes it with 1008. Defaults to 10. */
  maxInvalidMessages?: number;
  /** How long a closing client gets to finish the close handshake before its socket is destroyed, in ms. Defaults to 5000. */
  closeTimeoutMs?: number;
  /** Sent in the hello message. Defaults to none (`model: null`). */
  model?: ModelCard;
  /**
   * Mesh points per face in `frame` messages: 68 (the documented 468 -> 68 map) or 468, as
   * compact `[x, y, z]` triples (the JSONL form, docs/websocket.md). Defaults to 68.
   */
  meshPoints?: MeshPointCount;
}

export type ResolvedServeOptions = Required<
  Omit<ServeWebSocketOptions, 'server' | 'token' | 'allowedOrigins' | 'model'>
> &
  Pick<ServeWebSocketOptions, 'server' | 'token' | 'allowedOrigins' | 'model'>;

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  path: '/ws',
  encoding: 'msgpack',
  maxPayload: 64 * 1024,
  heartbeatMs: 30_000,
  maxQueuedMessages: 512,
  maxQueuedBytes: 4 * 1024 * 1024,
  maxInvalidMessages: 10,
  closeTimeoutMs: 5_000,
  meshPoints: 68,
} as const satisfies Partial<ServeWebSocketOptions>;

/** Merges `options` over `DEFAULTS`; throws `OptionError` naming the offending option. */
export function resolveServeOptions(options: ServeWebSocketOptions = {}): ResolvedServeOptions {
  if (options.server && (options.host !== undefined || options.port !== undefined)) {
    throw new OptionError(
      'serveWebSocket: "server" cannot be combined with "host" or "port"; the attached server decides where to listen.',
    );
  }
  const resolved: ResolvedServeOptions = { ...DEFAULTS, ...withoutUndefined(options) };
  const { port, path, encoding, token, allowedOrigins } = resolved;
  if (resolved.meshPoints !== 68 && resolved.meshPoints !== 468) {
    throw new OptionError(
      `serveWebSocket: "meshPoints" must be 68 or 468, got ${String(resolved.meshPoints)}.`,
    );
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OptionError(
      `serveWebSocket: "port" must be an integer in 0..65535 (0 = any free port), got ${String(port)}.`,
    );
  }
  if (typeof resolved.host !== 'string' || resolved.host.length === 0) {
    throw new OptionError('serveWebSocket: "host" must be a non-empty string such as "127.0.0.1".');
  }
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new OptionError(`serveWebSocket: "path" must start with "/", got ${JSON.stringify(path)}.`);
  }
  if (!WIRE_ENCODINGS.includes(encoding)) {
    throw new OptionError(
      `serveWebSocket: "encoding" should be one of: ${WIRE_ENCODINGS.join(', ')}; got ${JSON.stringify(encoding)}.`,
    );
  }
  if (token !== undefined && (typeof token !== 'string' || token.length === 0 || /\s/.test(token))) {
    throw new OptionError('serveWebSocket: "token" must be a non-empty string without whitespace.');
  }
  if (
    allowedOrigins !== undefined &&
    (!Array.isArray(allowedOrigins) || !allowedOrigins.every((o) => typeof o === 'string'))
  ) {
    throw new OptionError(
      'serveWebSocket: "allowedOrigins" must be an array of origins such as "https://dash.example.com".',
    );
  }
  positiveInteger(resolved, 'maxPayload', 1);
  positiveInteger(resolved, 'heartbeatMs', 0);
  positiveInteger(resolved, 'maxQueuedMessages', 1);
  positiveInteger(resolved, 'maxQueuedBytes', 1);
  positiveInteger(resolved, 'maxInvalidMessages', 0);
  positiveInteger(resolved, 'closeTimeoutMs', 1);
  return resolved;
}

type IntegerOption =
  | 'maxPayload'
  | 'heartbeatMs'
  | 'maxQueuedMessages'
  | 'maxQueuedBytes'
  | 'maxInvalidMessages'
  | 'closeTimeoutMs';

function positiveInteger(options: ResolvedServeOptions, name: IntegerOption, min: number): void {
  const value = options[name];
  if (!Number.isSafeInteger(value) || value < min) {
    throw new OptionError(`serveWebSocket: "${name}" must be an integer >= ${min}, got ${String(value)}.`);
  }
}

function withoutUndefined(options: ServeWebSocketOptions): ServeWebSocketOptions {
  return Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as ServeWebSocketOptions;
}
