/**
 * Adds, removes and lists cameras for `auformer worker --live` hosts.
 *
 * @example
 * import { CameraRegistry } from 'auformer-stream/distributed';
 * const cameras = await CameraRegistry.connect('redis://127.0.0.1:6379');
 * await cameras.add({ id: 'door', url: 'rtsp://10.0.0.7/stream1', credentials: { env: 'DOOR_CAM_AUTH' } });
 * console.log(await cameras.list()); // [{ id: 'door', state: 'active', lease: { host: 'gpu-2:4411', epoch: 3, ... } }]
 * @see docs/distributed.md
 */
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { OptionError } from '../errors.js';
import {
  type CameraLease,
  type CameraSpec,
  type CameraStatus,
  cameraJobId,
  cameraKeys,
  camerasQueueName,
} from './cameraTypes.js';
import { connectRedis } from './connectRedis.js';
import { assertNoToken } from './jobModel.js';
import { loadEngines } from './engines.js';
import { DEFAULT_QUEUE_NAME } from './queueNames.js';

export class CameraRegistry {
  private constructor(
    private readonly redis: Redis,
    private readonly queue: Queue,
    private readonly name: string,
  ) {}

  static async connect(url: string, options: { readonly name?: string } = {}): Promise<CameraRegistry> {
    const { bullmq } = await loadEngines();
    const name = options.name ?? DEFAULT_QUEUE_NAME;
    const redis = await connectRedis(url);
    const queue = new bullmq.Queue(camerasQueueName(name), { connection: redis });
    queue.on('error', () => undefined); // commands that need Redis reject on their own
    return new CameraRegistry(redis, queue, name);
  }

  /** Adds a camera (a no-op when it is already there); a free host takes it at once. */
  async add(camera: CameraSpec): Promise<void> {
    if (!/^[\w.-]{1,64}$/.test(camera.id)) {
      throw new OptionError(`cameras: id must be 1-64 letters, digits, '.', '_' or '-', got '${camera.id}'.`);
    }
    if (/^rtsps?:\/\/[^/]*@/i.test(camera.url)) {
      throw new OptionError(
        `cameras: '${camera.id}' has credentials in its URL; they would be stored in Redis in clear. ` +
          'Pass credentials: { env: "VAR" } or { file: "/run/secrets/cam" } (user:password) instead.',
      );
    }
    assertNoToken(camera.options, `cameras: '${camera.id}'`);
    await this.redis.del(cameraKeys.stop(this.name, camera.id));
    // A very large attempt count: a camera that fails (network) keeps coming back, with a delay.
    await this.queue.add('camera', camera, {
      jobId: cameraJobId(camera.id),
      attempts: 1_000_000,
      backoff: { type: 'fixed', delay: 2000 },
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  /** Stops a camera within half a second wherever it runs, and forgets it. */
  async remove(id: string): Promise<void> {
    await this.redis.set(cameraKeys.stop(this.name, id), '1', 'EX', 3600);
    const job = await this.queue.getJob(cameraJobId(id));
    if (job && (await job.getState()) !== 'active') await job.remove();
  }

  async list(): Promise<CameraStatus[]> {
    const jobs = (await this.queue.getJobs([
      'active',
      'waiting',
      'delayed',
      'prioritized',
    ])) as Job<CameraSpec>[];
    const statuses = await Promise.all(
      jobs.map(async (job): Promise<CameraStatus> => {
        const lease = await this.redis.hgetall(cameraKeys.lease(this.name, job.data.id));
        const state = await job.getState();
        return {
          id: job.data.id,
          url: job.data.url,
          state,
          options: job.data.options ?? {},
          streamMesh: job.data.streamMesh ?? true,
          ...(state === 'active' && lease.host
            ? {
                lease: {
                  host: lease.host,
                  epoch: Number(lease.epoch),
                  sinceMs: Number(lease.sinceMs),
                } satisfies CameraLease,
              }
            : {}),
        };
      }),
    );
    return statuses.sort((a, b) => a.id.localeCompare(b.id));
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.redis.quit();
  }
}
