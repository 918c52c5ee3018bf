/**
 * The operations endpoint of a worker or gateway: Prometheus metrics at `/metrics` (text
 * exposition format 0.0.4) and a health check at `/healthz` (200 `ok`, or 503 with the reason).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SinkError } from '../errors.js';

/** One metric family: `name{labels} value` lines under its HELP and TYPE. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly samples: readonly { readonly labels?: Readonly<Record<string, string>>; readonly value: number }[];
}

export interface OpsSource {
  metrics(): Promise<readonly MetricFamily[]>;
  /** Undefined when healthy, else why not. */
  unhealthy(): string | undefined;
}

export interface OpsServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export function formatMetrics(families: readonly MetricFamily[]): string {
  const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return families
    .map((f) => {
      const lines = f.samples.map(({ labels, value }) => {
        const text = labels ? Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`) : [];
        return `${f.name}${text.length ? `{${text.join(',')}}` : ''} ${value}`;
      });
      return [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...lines].join('\n');
    })
    .join('\n')
    .concat('\n');
}

export async function serveOps(source: OpsSource, host: string, port: number): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/metrics') {
      source.metrics().then(
        (families) => {
          res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
          res.end(formatMetrics(families));
        },
        (e: unknown) => {
          res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end(`metrics unavailable: ${String(e)}\n`);
        },
      );
    } else if (path === '/healthz') {
      const reason = source.unhealthy();
      res.writeHead(reason ? 503 : 200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(reason ? `${reason}\n` : 'ok\n');
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Try /metrics or /healthz.\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) =>
      reject(new SinkError(`Cannot listen on ${host}:${port} for metrics (${cause.message}).`, { cause })),
    );
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
