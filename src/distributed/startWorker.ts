/**
 * Starts an archive worker: part jobs in sandboxed child processes (a native crash fails one
 * attempt, never the worker), merge jobs in this process. `close()` drains: it stops taking jobs
 * and resolves when the active ones finished (the CLI calls it on SIGTERM).
 *
 * @example
 * import { startWorker } from 'auformer-stream/distributed';
 * const worker = await startWorker('redis://127.0.0.1:6379', { concurrency: 2 });
 * process.once('SIGTERM', () => void worker.close());
 * @see docs/distributed.md
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Job, Worker } from 'bullmq';
import type { MergeJobData, PartJobData, PartResult, SuccessManifest } from './archiveTypes.js';
import { checkRedisSettings } from './checkRedisSettings.js';
import { connectRedis } from './connectRedis.js';
import { loadEngines } from './engines.js';
import { asJobError } from './jobErrors.js';
import { mergeParts } from './mergeParts.js';
import { DEFAULT_QUEUE_NAME, mergeQueueName, partsQueueName } from './queueNames.js';
import { runPart } from './runPart.js';
import type { MetricFamily, OpsSource } from './serveOps.js';
import { disposeSharedModels } from './sharedModel.js';

export interface ArchiveWorkerOptions {
  /** Queue name prefix shared with the submitters. Defaults to `auformer`. */
  readonly name?: string;
  /** Part jobs run at once (one child process each). Defaults to 1. */
  readonly concurrency?: number;
  /** A job whose worker stops renewing its lock this long is taken by another, in ms. Defaults to 30000. */
  readonly lockDurationMs?: number;
  /** How often workers look for such stalled jobs, in ms. Defaults to 15000. */
  readonly stalledIntervalMs?: number;
  /** Run part jobs in child processes. Defaults to true; false runs them in this process. */
  readonly sandbox?: boolean;
  /** Called with each Redis settings warning at start. Defaults to `process.emitWarning`. */
  readonly onWarning?: (message: string) => void;
}

export interface ArchiveWorker extends OpsSource {
  /** Stops taking jobs, waits for the active ones, then disconnects. Idempotent. */
  close(): Promise<void>;
}

const DEFAULTS = {
  concurrency: 1,
  lockDurationMs: 30_000,
  stalledIntervalMs: 15_000,
  sandbox: true,
} as const;

export async function startWorker(url: string, options: ArchiveWorkerOptions = {}): Promise<ArchiveWorker> {
  const { bullmq } = await loadEngines();
  const o = { ...DEFAULTS, ...options };
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  const connection = await connectRedis(url, { forWorker: true });
  const warn = o.onWarning ?? ((message: string) => process.emitWarning(message));
  for (const warning of await checkRedisSettings(connection)) warn(warning);
  const common = {
    connection,
    lockDuration: o.lockDurationMs,
    stalledInterval: o.stalledIntervalMs,
    // A crash mid-job is a stall; allow a few before the job counts as failed.
    maxStalledCount: 3,
  };
  const processor = fileURLToPath(
    new URL(`./partProcessor${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
  );
  const parts: Worker<PartJobData, PartResult> = o.sandbox
    ? new bullmq.Worker(partsQueueName(name), processor, {
        ...common,
        concurrency: o.concurrency,
        useWorkerThreads: false,
        // BullMQ rewrites inherited --inspect* flags to `=<port>`, which Node 24 rejects for
        // --inspect-publish-uid (set by its test runner): the children get no inspector flags.
        workerForkOptions: { execArgv: process.execArgv.filter((a) => !a.startsWith('--inspect')) },
      })
    : new bullmq.Worker(
        partsQueueName(name),
        async (job: Job<PartJobData, PartResult>) =>
          runPart(job).catch((e: unknown) => Promise.reject(asJobError(e, bullmq))),
        { ...common, concurrency: o.concurrency },
      );
  const merges: Worker<MergeJobData, SuccessManifest> = new bullmq.Worker(
    mergeQueueName(name),
    async (job: Job<MergeJobData, SuccessManifest>) =>
      mergeParts(job.data).catch((e: unknown) => Promise.reject(asJobError(e, bullmq))),
    { ...common, concurrency: 1 },
  );
  for (const worker of [parts, merges]) worker.on('error', (e) => warn(`worker: ${e.message}`));
  const counts = { completed: 0, failed: 0, frames: 0 };
  parts.on('completed', (job) => {
    counts.completed += 1;
    counts.frames += Math.max(0, job.returnvalue?.frames ?? 0);
  });
  parts.on('failed', () => (counts.failed += 1));
  const queues = [partsQueueName(name), mergeQueueName(name)].map((q) => new bullmq.Queue(q, { connection }));
  for (const q of queues) q.on('error', () => undefined);
  let closing: Promise<void> | undefined;
  return {
    metrics: async (): Promise<MetricFamily[]> => {
      const byQueue = await Promise.all(queues.map(async (q) => [q.name, await q.getJobCounts()] as const));
      return [
        {
          name: 'auformer_queue_jobs',
          help: 'Jobs in each queue by state.',
          type: 'gauge',
          samples: byQueue.flatMap(([queue, c]) =>
            Object.entries(c).map(([state, value]) => ({ labels: { queue, state }, value })),
          ),
        },
        {
          name: 'auformer_worker_part_jobs_total',
          help: 'Part jobs this worker finished, by result.',
          type: 'counter',
          samples: [
            { labels: { result: 'completed' }, value: counts.completed },
            { labels: { result: 'failed' }, value: counts.failed },
          ],
        },
        {
          name: 'auformer_worker_frames_total',
          help: 'Frames analysed by this worker.',
          type: 'counter',
          samples: [{ value: counts.frames }],
        },
      ];
    },
    unhealthy: () => (connection.status === 'ready' ? undefined : `Redis connection is ${connection.status}`),
    close: () =>
      (closing ??= (async () => {
        await Promise.all([parts.close(), merges.close(), ...queues.map((q) => q.close())]);
        await disposeSharedModels();
        await connection.quit().catch(() => connection.disconnect());
      })()),
  };
}
