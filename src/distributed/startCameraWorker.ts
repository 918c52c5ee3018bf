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
import { DEFAULT_MODEL_PATH, type OpenAUModelOptions, OptionError } from '../index.js';
import { type CameraSpec, camerasQueueName } from './cameraTypes.js';
import { connectRedis } from './connectRedis.js';
import { checkRedisSettings } from './checkRedisSettings.js';
import { loadEngines } from './engines.js';
import { DEFAULT_QUEUE_NAME } from './queueNames.js';
import { runCamera } from './runCamera.js';
import { disposeSharedModels } from './sharedModel.js';
import type { MetricFamily, OpsSource } from './serveOps.js';
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
  /**
   * Run the model on these inference servers instead (not with `modelPath`); the bearer token,
   * if any, from this host's `AUFORMER_INFER_TOKEN`.
   */
  readonly inferUrls?: readonly string[];
  /**
   * How this host runs its model (`maxBatch`, `intraOpThreads`, `timeoutMs`, ...), under what a
   * camera's own `options.modelOptions` sets. Defaults to the model's defaults.
   */
  readonly modelOptions?: OpenAUModelOptions;
  /** Name in leases and `cameras list`. Defaults to `<hostname>:<pid>`. */
  readonly host?: string;
  readonly onWarning?: (message: string) => void;
}

export interface CameraWorker extends OpsSource {
  readonly host: string;
  /** Cameras held now (never more than `capacity`). */
  readonly held: () => number;
  /** Hands every camera back to the queue (for other hosts), then disconnects. Idempotent. */
  close(): Promise<void>;
}

export async function startCameraWorker(url: string, options: CameraWorkerOptions): Promise<CameraWorker> {
  if (options.modelPath !== undefined && options.inferUrls !== undefined)
    throw new OptionError('startCameraWorker: give modelPath or inferUrls, not both');
  const { bullmq } = await loadEngines();
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  const host = options.host ?? `${hostname()}:${process.pid}`;
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message));
  const redis = await connectRedis(url, { forWorker: true });
  for (const warning of await checkRedisSettings(redis)) warn(warning);
  let stopping = false;
  let held = 0;
  const cameras = new Map<string, { records: number; capturedAtMs: number }>();
  const ctx = {
    redis,
    name,
    host,
    prefix: options.prefix ?? DEFAULT_STREAM_PREFIX,
    model: options.inferUrls ?? options.modelPath ?? DEFAULT_MODEL_PATH,
    modelOptions: options.modelOptions ?? {},
    stopping: () => stopping,
    onRecord: (id: string, record: { readonly type: string; readonly capturedAtMs?: number }) => {
      const seen = cameras.get(id) ?? { records: 0, capturedAtMs: 0 };
      cameras.set(id, { records: seen.records + 1, capturedAtMs: record.capturedAtMs ?? seen.capturedAtMs });
    },
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
  const perCamera = (value: (c: { records: number; capturedAtMs: number }) => number) =>
    [...cameras].map(([camera, c]) => ({ labels: { camera }, value: value(c) }));
  return {
    host,
    held: () => held,
    metrics: async (): Promise<MetricFamily[]> => [
      {
        name: 'auformer_cameras_held',
        help: 'Cameras this host holds now.',
        type: 'gauge',
        samples: [{ value: held }],
      },
      {
        name: 'auformer_cameras_capacity',
        help: 'Most cameras this host holds.',
        type: 'gauge',
        samples: [{ value: options.capacity }],
      },
      {
        name: 'auformer_camera_records_total',
        help: 'Records appended per camera (rate = fps).',
        type: 'counter',
        samples: perCamera((c) => c.records),
      },
      {
        name: 'auformer_camera_lag_seconds',
        help: 'Wall time since the capture of the newest record appended, per camera.',
        type: 'gauge',
        samples: perCamera((c) => (Date.now() - c.capturedAtMs) / 1000),
      },
    ],
    unhealthy: () => (redis.status === 'ready' ? undefined : `Redis connection is ${redis.status}`),
    close: () =>
      (closing ??= (async () => {
        stopping = true;
        await worker.close();
        await disposeSharedModels();
        await redis.quit().catch(() => redis.disconnect());
      })()),
  };
}
