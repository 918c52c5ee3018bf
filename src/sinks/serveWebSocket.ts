/**
 * Serves analysis records to WebSocket clients: dashboards, other processes, other machines.
 *
 * Each client gets a hello (schema version, model card, sources), chooses the sources it wants,
 * and then receives their records as they are published, MessagePack by default or JSON when
 * it connects with `?encoding=json`. A client that reads too slowly is dropped on its own, so
 * one stalled browser tab never holds back the pipeline or the other clients.
 *
 * ```
 * publish:   f0----f1----f2----f3----f4---->
 * fast:      f0----f1----f2----f3----f4---->
 * stalled:   f0----f1--(queue full: notice, close 4008)
 * ```
 *
 * @example
 * ```ts
 * import { serveWebSocket, toWebSocket } from 'auformer-stream';
 * const server = await serveWebSocket({ port: 8080, token: process.env.AUF_TOKEN });
 * console.log(server.url); // ws://127.0.0.1:8080/ws
 * results$.pipe(toWebSocket(server)).subscribe();
 * ```
 * @see docs/websocket.md for the protocol, close codes and error codes.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server as TlsServer } from 'node:tls';
import { Subject } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SourceInfo } from '../types/frame.js';
import { ClientConnection } from './ws/clientConnection.js';
import type { DropReason } from './ws/protocol.js';
import { lazyEncoder } from './ws/encoding.js';
import { landmarksForFile } from './landmarkRecord.js';
import {
  SCHEMA_VERSION,
  type ServerMessage,
  type WireEncoding,
  type WireSourceStatus,
} from './ws/protocol.js';
import { resolveServeOptions, type ServeWebSocketOptions } from './ws/serverOptions.js';
import { checkUpgrade, rejectUpgrade } from './ws/upgradeGate.js';
import type { WebSocketServerEvent, WebSocketServerHandle } from './ws/webSocketServerHandle.js';
import { collectMetrics, createCounters } from './ws/serverMetrics.js';
import { listenHttp, urlHost } from './listenHttp.js';

export type { ServeWebSocketOptions } from './ws/serverOptions.js';
export type { WebSocketServerHandle } from './ws/webSocketServerHandle.js';

export async function serveWebSocket(options?: ServeWebSocketOptions): Promise<WebSocketServerHandle> {
  const opts = resolveServeOptions(options);
  const owned = opts.server === undefined;
  const httpServer: Server =
    opts.server ??
    createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      res.end(`This server only speaks WebSocket, at ${opts.path}.`);
    });
  const address = await listenHttp('serveWebSocket', httpServer, owned, opts.host, opts.port);
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload, clientTracking: false });
  const clients = new Set<ClientConnection>();
  const sockets = new Set<WebSocket>();
  const events = new Subject<WebSocketServerEvent>();
  const counters = createCounters();
  let sources: readonly SourceInfo[] = [];
  const statuses = new Map<string, WireSourceStatus>();
  let nextId = 1;
  let closing: Promise<void> | undefined;

  const onDrop = (client: ClientConnection, reason: DropReason): void => {
    clients.delete(client);
    counters.dropped[reason] += 1;
    counters.retire(client);
    const { queuedMessages, queuedBytes } = client.budget;
    events.next({ type: 'dropped', clientId: client.id, reason, queuedMessages, queuedBytes });
  };

  const accept = (ws: WebSocket, req: IncomingMessage, encoding: WireEncoding): void => {
    if (closing !== undefined) {
      ws.terminate(); // the handshake finished after close() began
      return;
    }
    const remoteAddress = req.socket.remoteAddress ?? 'unknown';
    const client = new ClientConnection(nextId++, ws, encoding, remoteAddress, opts, onDrop);
    clients.add(client);
    sockets.add(ws);
    counters.connections += 1;
    ws.on('error', (error: Error) =>
      events.next({ type: 'client-error', clientId: client.id, message: error.message }),
    );
    ws.once('close', (code: number, reason: Buffer) => {
      clients.delete(client);
      sockets.delete(ws);
      counters.retire(client);
      events.next({ type: 'disconnected', clientId: client.id, code, reason: reason.toString('utf8') });
    });
    events.next({ type: 'connected', clientId: client.id, remoteAddress, encoding });
    const { maxPayload, maxQueuedMessages, maxQueuedBytes, heartbeatMs } = opts;
    client.sendUnbudgeted({
      type: 'hello',
      schemaVersion: SCHEMA_VERSION,
      model: opts.model ?? null,
      sources,
      statuses: [...statuses.values()],
      encoding,
      subscription: client.subscription.state(),
      limits: { maxPayload, maxQueuedMessages, maxQueuedBytes, heartbeatMs },
    });
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const decision = checkUpgrade(req, opts);
    // On a shared server, other paths belong to whoever else listens for upgrades.
    if (!decision.ok && decision.status === 404 && !owned) return;
    if (closing !== undefined || !decision.ok) {
      const [status, reason] = decision.ok
        ? [503, 'The server is shutting down.']
        : [decision.status, decision.reason];
      counters.rejectedUpgrades += 1;
      events.next({ type: 'rejected', status, reason, remoteAddress: req.socket.remoteAddress ?? 'unknown' });
      socket.on('error', () => socket.destroy());
      rejectUpgrade(socket, status, reason);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req, decision.encoding));
  };
  httpServer.on('upgrade', onUpgrade);

  const heartbeat =
    opts.heartbeatMs > 0
      ? setInterval(() => clients.forEach((c) => c.heartbeat()), opts.heartbeatMs)
      : undefined;

  const broadcast = (message: ServerMessage, sourceId?: string): number => {
    if (closing !== undefined) return 0;
    const encode = lazyEncoder(message);
    let sent = 0;
    for (const client of [...clients]) {
      if (sourceId !== undefined && !client.subscription.includes(sourceId)) continue;
      if (client.send(encode(client.encoding))) sent += 1;
    }
    return sent;
  };

  const shutdown = async (): Promise<void> => {
    clearInterval(heartbeat);
    for (const client of [...clients]) client.drop('server-shutdown');
    // Not events.once: it would reject on a socket 'error', which still ends in 'close'.
    await Promise.all(
      [...sockets].map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve()))),
    );
    httpServer.off('upgrade', onUpgrade);
    wss.close();
    if (owned) {
      const closed = once(httpServer, 'close');
      httpServer.close();
      httpServer.closeAllConnections();
      await closed;
    }
    events.complete();
  };

  return {
    url: `${httpServer instanceof TlsServer ? 'wss' : 'ws'}://${urlHost(address.address)}:${address.port}${opts.path}`,
    host: address.address,
    port: address.port,
    path: opts.path,
    get clients() {
      return clients.size;
    },
    events: events.asObservable(),
    publish(record) {
      if (closing !== undefined) return 0;
      counters.recordsPublished += 1;
      // Meshes travel compact, as in JSONL (68 [x, y, z] points by default, 0.1 px).
      const wire = landmarksForFile(record, opts.meshPoints, true);
      return broadcast(wire, record.sourceId);
    },
    publishPreview(preview) {
      return broadcast({ ...preview, type: 'preview' }, preview.sourceId);
    },
    setSources(list) {
      sources = list.map((info) => ({ ...info }));
      broadcast({ type: 'sources', sources });
    },
    updateSource(status) {
      statuses.set(status.sourceId, { ...status });
      broadcast({ type: 'status', ...status });
    },
    metrics: () => collectMetrics(counters, clients),
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
