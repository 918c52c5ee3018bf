/**
 * `auformer gateway --from redis://... --ws host:port [--dashboard]`: serves the results
 * streams to WebSocket viewers (and the dashboard) until SIGTERM / SIGINT, then exits 0. Start
 * as many as the viewers need, on any machines that reach Redis.
 */
import { parseArgs } from 'node:util';
import type { CommandIO } from './analyzeCommand.js';
import { asUsageError, UsageError } from './pipelineArgs.js';
import { serveMetrics } from './distributedArgs.js';
import { parseAddress } from './serveArgs.js';

export const GATEWAY_USAGE = `Usage: auformer gateway --from <redis://host:port> [options]

Serves the results that workers and 'serve' hosts append to Redis Streams over the WebSocket
protocol of docs/websocket.md (and the dashboard with --dashboard).

Options:
  --from <redis://host:port>  the Redis holding the streams (required)
  --prefix <name>      stream key prefix shared with the producers (default auformer)
  --ws <host:port>     WebSocket address (default 127.0.0.1:8080; port 0 = any free port)
  --token <T>          viewers must send this bearer token (header or ?token=)
  --dashboard          also serve the live dashboard at http://<host:port>/
  --metrics <host:port>  serve Prometheus /metrics and /healthz there (port 0 = any free port)
  -h, --help           show this help`;

export async function runGateway(argv: readonly string[], io: CommandIO): Promise<number> {
  const { values: v } = asUsageError(() =>
    parseArgs({
      args: [...argv],
      options: {
        from: { type: 'string' },
        prefix: { type: 'string' },
        ws: { type: 'string' },
        token: { type: 'string' },
        dashboard: { type: 'boolean' },
        metrics: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (v.help) {
    io.stdout.write(`${GATEWAY_USAGE}\n`);
    return 0;
  }
  if (v.from === undefined) throw new UsageError('--from <redis://host:port> is required');
  const address = parseAddress(v.ws ?? '127.0.0.1:8080');
  const { connectRedis, serveGateway } = await import('../distributed/index.js');
  const redis = await connectRedis(v.from, { forWorker: true });
  const gateway = await serveGateway(redis, {
    ...(v.prefix === undefined ? {} : { prefix: v.prefix }),
    ws: { ...address, ...(v.token === undefined ? {} : { token: v.token }) },
    dashboard: v.dashboard === true,
  });
  io.stderr.write(`gateway listening on ${gateway.url}\n`);
  if (gateway.dashboardUrl) io.stderr.write(`dashboard on ${gateway.dashboardUrl}\n`);
  const ops = v.metrics === undefined ? undefined : await serveMetrics(gateway, v.metrics);
  if (ops) io.stderr.write(`metrics on ${ops.url}/metrics\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', resolve).once('SIGINT', resolve));
  await gateway.close();
  await ops?.close();
  redis.disconnect();
  io.stderr.write(`gateway stopped (${gateway.stats.emitted} records read)\n`);
  return 0;
}
