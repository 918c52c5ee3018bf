/** Options of `serveDashboard`, their defaults, and the checks that name a bad one. */
import { Server } from 'node:http';
import { OptionError } from '../errors.js';

export interface ServeDashboardOptions {
  /**
   * An existing `http.Server` to serve the page from (listening or about to). The page answers
   * first; the server's own request handler gets every request too and must skip those already
   * answered (`res.headersSent`). Defaults to a new server on `host:port`.
   */
  readonly server?: Server;
  /** Interface to listen on when no `server` is given. Defaults to '127.0.0.1'. */
  readonly host?: string;
  /** TCP port when no `server` is given; 0 = any free port. Defaults to 8080. */
  readonly port?: number;
  /** URL path of the page; starts and ends with '/'. Defaults to '/'. */
  readonly path?: string;
  /** Path of the WebSocket endpoint the page connects to (serveWebSocket's `path`). Defaults to '/ws'. */
  readonly wsPath?: string;
  /**
   * The WebSocket server's token, if it has one. Only used to answer the page's `<path>auth`
   * probe, so the page can show "wrong token" instead of retrying forever. Defaults to none.
   */
  readonly token?: string;
}

const DEFAULTS = { host: '127.0.0.1', port: 8080, path: '/', wsPath: '/ws' } as const;

export interface ResolvedDashboardOptions {
  readonly server: Server | undefined;
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly wsPath: string;
  readonly token: string | undefined;
}

export function resolveDashboardOptions(options: ServeDashboardOptions = {}): ResolvedDashboardOptions {
  const o = { ...DEFAULTS, ...options };
  if (o.server !== undefined && !(o.server instanceof Server)) {
    throw new OptionError('serveDashboard: "server" must be an http.Server or https.Server.');
  }
  if (typeof o.host !== 'string' || o.host.length === 0) {
    throw new OptionError(`serveDashboard: "host" must be a non-empty string such as '127.0.0.1'.`);
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) {
    throw new OptionError(
      `serveDashboard: "port" must be an integer in [0, 65535] (0 = any free port), got ${String(o.port)}.`,
    );
  }
  if (typeof o.path !== 'string' || !/^\/([^?#\s]*\/)?$/.test(o.path)) {
    throw new OptionError(
      `serveDashboard: "path" must start and end with '/' (e.g. '/' or '/dashboard/'), got ${JSON.stringify(o.path)}.`,
    );
  }
  if (typeof o.wsPath !== 'string' || !/^\/[^?#\s]*$/.test(o.wsPath)) {
    throw new OptionError(
      `serveDashboard: "wsPath" must be a path starting with '/' (serveWebSocket's "path"), got ${JSON.stringify(o.wsPath)}.`,
    );
  }
  if (o.token !== undefined && (typeof o.token !== 'string' || o.token.length === 0)) {
    throw new OptionError(
      'serveDashboard: "token" must be a non-empty string (the WebSocket token) or absent.',
    );
  }
  return { server: o.server, host: o.host, port: o.port, path: o.path, wsPath: o.wsPath, token: o.token };
}
