/**
 * Publishes each record to a WebSocket server's subscribed clients and passes it through.
 *
 * Publishing never waits: slow clients are dropped by the server's send budget instead of
 * slowing the pipeline, so this sink adds no back-pressure (see `serveWebSocket`).
 *
 * ```
 * records:  r0---r1---r2---|
 * output:   r0---r1---r2---|      (each also sent to clients subscribed to its sourceId)
 * ```
 *
 * @example
 * ```ts
 * import { serveWebSocket, toWebSocket } from 'auformer-stream';
 * const server = await serveWebSocket({ port: 8080 });
 * results$.pipe(toWebSocket(server)).subscribe({ complete: () => void server.close() });
 * ```
 * The server outlives the pipeline: close it yourself when you are done.
 * @see serveWebSocket
 */
import { tap, type OperatorFunction } from 'rxjs';
import type { AnalysisRecord } from '../types/result.js';
import type { WebSocketServerHandle } from './ws/webSocketServerHandle.js';

export function toWebSocket<T extends AnalysisRecord>(
  server: Pick<WebSocketServerHandle, 'publish'>,
): OperatorFunction<T, T> {
  return tap((record: T) => {
    server.publish(record);
  });
}
