/** Listening helpers shared by the servers the SDK owns (WebSocket, dashboard). */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SinkError } from '../errors.js';

/**
 * Starts `server` on host:port when the caller owns it, or waits until a server given by the
 * user listens; a busy port is a `SinkError` naming `what` (e.g. `serveWebSocket`).
 */
export async function listenHttp(
  what: string,
  server: Server,
  owned: boolean,
  host: string,
  port: number,
): Promise<AddressInfo> {
  if (owned) {
    try {
      const listening = once(server, 'listening');
      server.listen(port, host);
      await listening;
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new SinkError(
        `${what} cannot listen on ${host}:${port} (${detail}). Pick another "port" (0 = any free one) or "host".`,
        { cause },
      );
    }
  } else if (!server.listening) {
    await once(server, 'listening');
  }
  return server.address() as AddressInfo;
}

/** The host to put in a URL: loopback for wildcard binds, brackets for IPv6. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
