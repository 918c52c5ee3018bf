/**
 * Command-line pieces shared by `submit`, `cameras`, `worker` and `jobs`: the queue URL,
 * durations and the pipeline options a job carries.
 */
import type { ArchivePipelineOptions, OpsServer, OpsSource } from '../distributed/index.js';
import { type PipelineArgs, UsageError } from './pipelineArgs.js';
import { parseAddress } from './serveArgs.js';

export const QUEUE_USAGE = `  --queue <redis://host:port>  the Redis that holds the queues (required)
  --queue-name <name>          queue name prefix shared by submitters and workers (default auformer)`;

export const QUEUE_OPTIONS = {
  queue: { type: 'string' },
  'queue-name': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function requireQueue(queue: string | undefined): string {
  if (queue === undefined) throw new UsageError('--queue <redis://host:port> is required');
  return queue;
}

/** `90`, `90s`, `10m`, `1.5h`, `500ms` -> ms; anything else is a `UsageError` naming `--name`. */
export function durationMs(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new UsageError(`--${name} must be a duration like 90s, 10m or 1h, got '${value}'`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Number(match[1]) * unit;
}

/** `--metrics host:port`: the ops endpoint of a worker or gateway. */
export async function serveMetrics(source: OpsSource, address: string): Promise<OpsServer> {
  const { host, port } = parseAddress(address, 'metrics');
  const { serveOps } = await import('../distributed/index.js');
  return serveOps(source, host, port);
}

/**
 * The pipeline options of `PIPELINE_OPTIONS` that travel with a job (the model is named apart),
 * without `--infer-token`: job data sits in Redis in clear.
 */
export function jobPipelineOptions(args: PipelineArgs): ArchivePipelineOptions {
  const { detector, track, landmarks, infer, smooth, events, source } = args;
  const modelOptions = { ...args.modelOptions, token: undefined }; // JSON drops it
  return { detector, track, landmarks, infer, smooth, events, modelOptions, source };
}
