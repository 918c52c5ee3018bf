/**
 * Decides, from the HTTP upgrade request alone, whether a client may open a WebSocket, and
 * answers refused requests with a plain HTTP status before any upgrade happens.
 *
 * Order: path (404), origin (403), token (401), encoding (400). The token is compared in
 * constant time. Browsers cannot set headers on a WebSocket, hence `?token=`; prefer the
 * `Authorization: Bearer` header elsewhere, since query strings end up in proxy logs.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WIRE_ENCODINGS, type WireEncoding } from './protocol.js';

export interface GateRules {
  readonly path: string;
  readonly token?: string | undefined;
  readonly allowedOrigins?: readonly string[] | undefined;
  readonly encoding: WireEncoding;
}

export type GateDecision =
  | { readonly ok: true; readonly encoding: WireEncoding }
  | { readonly ok: false; readonly status: 400 | 401 | 403 | 404; readonly reason: string };

/** Checks one upgrade request against `rules`. */
export function checkUpgrade(req: IncomingMessage, rules: GateRules): GateDecision {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== rules.path) {
    return {
      ok: false,
      status: 404,
      reason: `No WebSocket endpoint at ${url.pathname}; connect to ${rules.path}.`,
    };
  }
  const origin = req.headers.origin;
  // Non-browser clients send no Origin; the allow-list guards against other web pages.
  if (rules.allowedOrigins && origin !== undefined && !rules.allowedOrigins.includes(origin)) {
    return { ok: false, status: 403, reason: `Origin ${origin} is not in the server's allowedOrigins.` };
  }
  if (rules.token !== undefined && !tokenMatches(presentedToken(req, url), rules.token)) {
    return {
      ok: false,
      status: 401,
      reason:
        'Missing or wrong token: send "Authorization: Bearer <token>" or add ?token=<token> to the URL.',
    };
  }
  const asked = url.searchParams.get('encoding');
  if (asked === null) return { ok: true, encoding: rules.encoding };
  if ((WIRE_ENCODINGS as readonly string[]).includes(asked))
    return { ok: true, encoding: asked as WireEncoding };
  return {
    ok: false,
    status: 400,
    reason: `Unknown encoding "${asked.slice(0, 40)}". Should be one of: ${WIRE_ENCODINGS.join(', ')}.`,
  };
}

/** Writes a minimal HTTP error response on the raw upgrade socket and closes it. */
export function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(reason)}`,
  ];
  if (status === 401) headers.push('WWW-Authenticate: Bearer');
  socket.once('finish', () => socket.destroy());
  socket.end(`${headers.join('\r\n')}\r\n\r\n${reason}`);
}

function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? url.searchParams.get('token') ?? undefined;
}

function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // timingSafeEqual needs equal lengths; comparing b with itself keeps the time constant.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(b, b);
}
