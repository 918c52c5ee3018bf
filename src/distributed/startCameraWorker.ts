/**
 * Starts a `--live` host: it holds at most `capacity` cameras, each a long-running BullMQ job
 * whose lock is the lease (renewed every `lockDurationMs / 2`). When a host dies, its locks
 * expire and the other hosts' stalled-job checks hand its cameras on: a camera moves within
 * `lockDurationMs + stalledIntervalMs` plus the new host's start (ffmpeg, first frames). The
 * cameras share this host's one model (micro-batched across them).
 *
 * @example
 * import { startCameraWorker } from 'auformer-stream/distributed';
 * const host = await startCameraWorker('redis://10.0.0.5:6379', { capacity: 8 });
 * process.once('SIGTERM', () => void host.close()); // its cameras go to other hosts
 * @see docs/distributed.md
 */
import { hostname } from 'node:os';
import type { Job } from 'bullmq';
import { DEFAULT_MODEL_PATH } from '../index.js';
import { type CameraSpec, camerasQueueName } from './cameraTypes.js';
import { connectRedis } from './connectRedis.js';
import { checkRedisSettings } from './checkRedisSettings.js';
import { loadEngines } from './engines.js';
import { DEFAULT_QUEUE_NAME } from './queueNames.js';
import { runCamera } from './runCamera.js';
import { disposeSharedModels } from './sharedModel.js';
import { DEFAULT_STREAM_PREFIX } from './streamKeys.js';

export interface CameraWorkerOptions {
  /** Cameras held at once. Required. */
  readonly capacity: number;
  /** Queue name prefix. Defaults to `auformer`. */
  readonly name?: string;
  /** Results stream prefix. Defaults to `auformer`. */
  readonly prefix?: string;
  /** Lease (lock) duration, in ms. Defaults to 10000. */
  readonly lockDurationMs?: number;
  /** How often hosts look for expired leases, in ms. Defaults to 5000. */
  readonly stalledIntervalMs?: number;
  /** AUFormer ONNX on this host. Defaults to the embedded tiny model. */
  readonly modelPath?: string;
  /** Name in leases and `cameras list`. Defaults to `<hostname>:<pid>`. */
  readonly host?: string;
  readonly onWarning?: (message: string) => void;
}

export interface CameraWorker {
  readonly host: string;
  /** Cameras held now (never more than `capacity`). */
  readonly held: () => number;
  /** Hands every camera back to the queue (for other hosts), then disconnects. Idempotent. */
  close(): Promise<void>;
}

export async function startCameraWorker(url: string, options: CameraWorkerOptions): Promise<CameraWorker> {
  const { bullmq } = await loadEngines();
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  const host = options.host ?? `${hostname()}:${process.pid}`;
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message));
  const redis = await connectRedis(url, { forWorker: true });
  for (const warning of await checkRedisSettings(redis)) warn(warning);
  let stopping = false;
  let held = 0;
  const ctx = {
    redis,
    name,
    host,
    prefix: options.prefix ?? DEFAULT_STREAM_PREFIX,
    modelPath: options.modelPath ?? DEFAULT_MODEL_PATH,
    stopping: () => stopping,
  };
  const worker = new bullmq.Worker(
    camerasQueueName(name),
    async (job: Job<CameraSpec>) => {
      held += 1;
      try {
        await runCamera(job.data, ctx);
      } finally {
        held -= 1;
      }
    },
    {
      connection: redis,
      concurrency: options.capacity,
      lockDuration: options.lockDurationMs ?? 10_000,
      stalledInterval: options.stalledIntervalMs ?? 5000,
      // A camera whose host died is a stall each time: never let that fail it for good.
      maxStalledCount: 1_000_000,
    },
  );
  worker.on('error', (e) => warn(`camera worker: ${e.message}`));
  let closing: Promise<void> | undefined;
  return {
    host,
    held: () => held,
    close: () =>
      (closing ??= (async () => {
        stopping = true;
        await worker.close();
        await disposeSharedModels();
        await redis.quit().catch(() => redis.disconnect());
      })()),
  };
}
