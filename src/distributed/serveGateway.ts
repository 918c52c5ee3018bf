/**
 * A gateway: serves the results streams over the SDK's WebSocket protocol (and optionally the
 * dashboard), so viewers connect to gateways and decode hosts never hold viewer sockets. Any
 * number of gateways can read the same streams: each reads them on its own (plain XREAD).
 *
 * ```
 * decode hosts --XADD--> Redis streams --XREAD--> gateway 1 --ws--> viewers
 *                                        \-----> gateway 2 --ws--> viewers
 * ```
 * Memory is bounded on both sides: reads are pulled (fromRedisStream) and every viewer has the
 * WebSocket server's send budget (a stalled viewer is dropped with close 4008).
 *
 * @example
 * import { connectRedis, serveGateway } from 'auformer-stream/distributed';
 * const gateway = await serveGateway(await connectRedis('redis://10.0.0.5:6379'), { ws: { host: '0.0.0.0', port: 8080, token } });
 * console.log(gateway.url); // ws://0.0.0.0:8080/ws
 * @see docs/distributed.md
 */
import type { Redis } from 'ioredis';
import {
  type DashboardServer,
  type ModelCard,
  type ServeWebSocketOptions,
  serveDashboard,
  serveWebSocket,
  type SourceInfo,
  type WebSocketServerHandle,
} from '../index.js';
import { fromRedisStream, type RedisStreamSourceStats } from './fromRedisStream.js';
import { checkRedisSettings } from './checkRedisSettings.js';
import type { MetricFamily, OpsSource } from './serveOps.js';
import { DEFAULT_STREAM_PREFIX, modelKey, resultsKey, sourcesKey } from './streamKeys.js';

export interface GatewayOptions {
  /** Key prefix shared with the producers. Defaults to `auformer`. */
  readonly prefix?: string;
  /** Where and how to serve WebSocket clients (host, port, token, budgets). Defaults to serveWebSocket's. */
  readonly ws?: Omit<ServeWebSocketOptions, 'server' | 'model'>;
  /** Also serve the dashboard page on the same port. Defaults to false. */
  readonly dashboard?: boolean;
  /** How often the source list is re-read from Redis, in ms. Defaults to 1000. */
  readonly refreshMs?: number;
  /** Called with each Redis settings warning at start. Defaults to `process.emitWarning`. */
  readonly onWarning?: (message: string) => void;
}

export interface Gateway extends OpsSource {
  readonly url: string;
  readonly dashboardUrl?: string;
  readonly server: WebSocketServerHandle;
  /** Records read from Redis, and late records dropped for an older lease epoch. */
  readonly stats: RedisStreamSourceStats;
  close(): Promise<void>;
}

export async function serveGateway(redis: Redis, options: GatewayOptions = {}): Promise<Gateway> {
  const { prefix = DEFAULT_STREAM_PREFIX, refreshMs = 1000 } = options;
  // An evicting Redis drops the result streams the gateway serves, like the queues.
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message));
  for (const warning of await checkRedisSettings(redis)) warn(warning);
  const card = await redis.get(modelKey(prefix));
  const model = card === null ? undefined : (JSON.parse(card) as ModelCard);
  let dashboard: DashboardServer | undefined;
  if (options.dashboard) {
    const { host, port, token } = options.ws ?? {};
    dashboard = await serveDashboard({
      ...(host === undefined ? {} : { host }),
      ...(port === undefined ? {} : { port }),
      ...(token === undefined ? {} : { token }),
    });
  }
  const server = await serveWebSocket({
    ...options.ws,
    ...(dashboard ? { server: dashboard.server } : {}),
    ...(model ? { model } : {}),
  });
  const stats: RedisStreamSourceStats = { emitted: 0, staleDropped: 0 };
  let known = '';
  const refreshSources = async (): Promise<void> => {
    const entries = await redis.hgetall(sourcesKey(prefix));
    const text = JSON.stringify(Object.entries(entries).sort());
    if (text === known) return;
    known = text;
    server.setSources(Object.values(entries).map((json) => JSON.parse(json) as SourceInfo));
  };
  await refreshSources();
  const timer = setInterval(() => {
    refreshSources().catch((e: unknown) =>
      process.emitWarning(`gateway: reading sources failed: ${String(e)}`),
    );
  }, refreshMs);
  const reading = fromRedisStream(redis, { prefix, refreshMs }, stats).subscribe({
    next: (record) => void server.publish(record),
    error: (e: unknown) => process.emitWarning(`gateway: reading streams failed: ${String(e)}`),
  });
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    ...(dashboard ? { dashboardUrl: dashboard.url } : {}),
    server,
    stats,
    metrics: async (): Promise<MetricFamily[]> => {
      const ids = await redis.hkeys(sourcesKey(prefix));
      const lengths = await Promise.all(ids.map((id) => redis.xlen(resultsKey(prefix, id))));
      return [
        {
          name: 'auformer_gateway_records_total',
          help: 'Records read from the streams.',
          type: 'counter',
          samples: [{ value: stats.emitted }],
        },
        {
          name: 'auformer_gateway_stale_dropped_total',
          help: 'Late records of an older lease epoch dropped.',
          type: 'counter',
          samples: [{ value: stats.staleDropped }],
        },
        {
          name: 'auformer_gateway_clients',
          help: 'WebSocket viewers connected.',
          type: 'gauge',
          samples: [{ value: server.clients }],
        },
        {
          name: 'auformer_stream_length',
          help: 'Entries in each results stream.',
          type: 'gauge',
          samples: ids.map((source, i) => ({ labels: { source }, value: lengths[i] ?? 0 })),
        },
      ];
    },
    unhealthy: () => (redis.status === 'ready' ? undefined : `Redis connection is ${redis.status}`),
    close: () =>
      (closing ??= (async () => {
        clearInterval(timer);
        reading.unsubscribe();
        await server.close();
        await dashboard?.close();
      })()),
  };
}
