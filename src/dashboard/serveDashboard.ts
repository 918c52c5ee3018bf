/**
 * Serves the live dashboard (one static page, its CSS and ES modules, no CDN) over HTTP, on
 * the same server as the WebSocket endpoint: the page connects back to `wsPath` on its own
 * origin, lists the sources with their status, and draws per-face AU bars and time series.
 *
 * Either attach to an existing `http.Server` (`server` option; its own request handler must skip
 * requests already answered, `res.headersSent`) or let it create one on `host:port` and pass
 * `handle.server` to `serveWebSocket({ server })`. The page is public; the
 * data is not: the page forwards `?token=` from its own URL to the WebSocket, and asks
 * `<path>auth` first so it can tell a wrong token (401) from a server that is down.
 *
 * ```
 * GET /            -> index.html (wsPath filled in)
 * GET /dashboard.js, /dashboard.css, ...   -> static assets from dashboard/
 * GET /auth?token= -> 204 | 401          (same check as the WebSocket upgrade)
 * UPGRADE /ws      -> serveWebSocket
 * ```
 *
 * @example
 * ```ts
 * import { serveDashboard, serveWebSocket } from 'auformer-stream';
 * const dashboard = await serveDashboard({ port: 8080 });
 * const ws = await serveWebSocket({ server: dashboard.server, model: model.card });
 * console.log(dashboard.url); // http://127.0.0.1:8080/
 * // ... later: await ws.close(); await dashboard.close();
 * ```
 * @see docs/dashboard.md, docs/websocket.md
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkUpgrade } from '../sinks/ws/upgradeGate.js';
import { loadDashboardAssets } from './dashboardAssets.js';
import { resolveDashboardOptions, type ServeDashboardOptions } from './dashboardOptions.js';
import { listenHttp, urlHost } from '../sinks/listenHttp.js';

export type { ServeDashboardOptions } from './dashboardOptions.js';

/** A running dashboard. */
export interface DashboardServer {
  /** The HTTP server: pass it to `serveWebSocket({ server })`. */
  readonly server: Server;
  /** The page, e.g. `http://127.0.0.1:8080/`. */
  readonly url: string;
  readonly port: number;
  /** Stops serving the page; closes the server (and its connections) when it created it. Idempotent. */
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Everything comes from this origin; the token travels in the URL, so no third party may load.
  'Content-Security-Policy':
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; frame-ancestors 'none'",
} as const;

export async function serveDashboard(options?: ServeDashboardOptions): Promise<DashboardServer> {
  const opts = resolveDashboardOptions(options);
  const assets = await loadDashboardAssets(opts.wsPath);
  const owned = opts.server === undefined;
  const server = opts.server ?? createServer();

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (res.headersSent) return; // answered by a handler that ran first
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(opts.path)) {
      if (owned) reply(res, 404, `Nothing at ${url.pathname}; the dashboard is at ${opts.path}.`);
      return; // on a shared server, other paths belong to its own handler
    }
    const name = `/${url.pathname.slice(opts.path.length)}`;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(res, 405, 'The dashboard only answers GET and HEAD.', { Allow: 'GET, HEAD' });
    } else if (`${opts.path}${name.slice(1)}` === opts.wsPath) {
      reply(res, 426, `Connect a WebSocket to ${opts.wsPath}; the page is at ${opts.path}.`);
    } else if (name === '/auth') {
      const decision = checkUpgrade(req, { path: url.pathname, token: opts.token, encoding: 'json' });
      if (decision.ok) reply(res, 204, '');
      else reply(res, decision.status, decision.reason, { 'WWW-Authenticate': 'Bearer' });
    } else {
      const asset = assets.get(name);
      if (asset === undefined) {
        reply(res, 404, `No dashboard file ${name}; open ${opts.path}.`);
        return;
      }
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': asset.contentType,
        'Content-Length': asset.body.length,
      });
      res.end(req.method === 'HEAD' ? undefined : asset.body);
    }
  };
  // First in line, so a shared server's own handler can skip what the page answered (res.headersSent).
  server.prependListener('request', onRequest);
  let address: AddressInfo;
  try {
    address = await listenHttp('serveDashboard', server, owned, opts.host, opts.port);
  } catch (error) {
    server.off('request', onRequest);
    throw error;
  }

  let closing: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    server.off('request', onRequest);
    if (!owned || !server.listening) return;
    const closed = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await closed;
  };
  return {
    server,
    url: `http://${urlHost(address.address)}:${address.port}${opts.path}`,
    port: address.port,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

function reply(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(status === 204 ? undefined : text);
}
