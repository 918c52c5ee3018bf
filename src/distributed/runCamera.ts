/**
 * One camera on a `--live` host, for as long as this host holds its lease: a fresh lease epoch
 * (INCR), `analyze`'s two stages on the live frames (detect -> track -> landmarks -> align ->
 * AUFormer on the host's shared model, then the smoothing, events and blinks the camera's
 * options ask for), every record appended to the camera's stream with that epoch.
 *
 * ```
 * host A  epoch 3  --r--r--r--X (killed)
 * host B                         (lock expired) epoch 4 --r--r--r--   readers drop A's late epoch-3 records
 * ```
 * It ends when the camera is removed (the job completes and is forgotten), when a newer epoch
 * shows that another host took the camera (this one lost its lock), or when the host shuts down
 * (the attempt fails on purpose, so the camera goes back to the queue for another host).
 */
import { readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import { type Observable, type Subscription, tap } from 'rxjs';
import {
  type AnalysisRecord,
  type Frame,
  frameStages,
  type OpenAUModelOptions,
  fromFile,
  fromRtsp,
  playAsLive,
  temporalStages,
} from '../index.js';
import { type CameraSpec, cameraKeys } from './cameraTypes.js';
import { sharedModel } from './sharedModel.js';
import { toRedisStream } from './toRedisStream.js';

export interface CameraContext {
  readonly redis: Redis;
  readonly name: string;
  readonly host: string;
  readonly prefix: string;
  /** The host's model: an ONNX path, or inference server URLs. */
  readonly model: string | readonly string[];
  /** The host's model options; a camera's own `modelOptions` override them. */
  readonly modelOptions: OpenAUModelOptions;
  /** True once the host shuts down. */
  readonly stopping: () => boolean;
  /** Called with each record before it is appended (metrics). */
  readonly onRecord: (cameraId: string, record: AnalysisRecord) => void;
}

/** How often a running camera checks for removal, a newer epoch or shutdown, in ms. */
const CHECK_EVERY_MS = 500;

export async function runCamera(camera: CameraSpec, ctx: CameraContext): Promise<void> {
  const { redis, name } = ctx;
  const epoch = await redis.incr(cameraKeys.epoch(name, camera.id));
  await redis.hset(cameraKeys.lease(name, camera.id), { host: ctx.host, epoch, sinceMs: Date.now() });
  const options = camera.options ?? {};
  const model = await sharedModel(ctx.model, { ...ctx.modelOptions, ...options.modelOptions });
  const source = { sourceId: camera.id, kind: /^rtsps?:/i.test(camera.url) ? 'rtsp' : 'file' };
  const records = (await openCamera(camera)).pipe(
    frameStages(model, options),
    temporalStages(model, options),
    tap((record: AnalysisRecord) => ctx.onRecord(camera.id, record)),
    toRedisStream(redis, {
      prefix: ctx.prefix,
      epoch,
      maxLen: camera.maxLen ?? 36_000,
      landmarks: camera.streamMesh ?? true,
      sources: [source],
      model: model.card,
    }),
  );
  let subscription: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      subscription = records.subscribe({ error: reject, complete: resolve });
      timer = setInterval(() => {
        Promise.all([
          redis.get(cameraKeys.stop(name, camera.id)),
          redis.get(cameraKeys.epoch(name, camera.id)),
        ]).then(
          ([stop, current]) => {
            if (stop !== null)
              resolve(); // removed: done for good
            else if (Number(current) > epoch)
              reject(new Error(`lease of ${camera.id} lost to epoch ${current}`));
            else if (ctx.stopping())
              reject(new Error(`${ctx.host} shuts down: ${camera.id} goes to another host`));
          },
          (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))),
        );
      }, CHECK_EVERY_MS);
    });
  } finally {
    clearInterval(timer);
    subscription?.unsubscribe();
    const lease = await redis.hget(cameraKeys.lease(name, camera.id), 'epoch').catch(() => null);
    if (Number(lease) === epoch) await redis.del(cameraKeys.lease(name, camera.id)).catch(() => 0);
  }
}

async function openCamera(camera: CameraSpec): Promise<Observable<Frame>> {
  const source = { sourceId: camera.id, ...camera.options?.source };
  if (!/^rtsps?:\/\//i.test(camera.url)) {
    return playAsLive(fromFile(camera.url, source), { loop: camera.loop ?? false }).frames;
  }
  const secret = camera.credentials
    ? 'env' in camera.credentials
      ? process.env[camera.credentials.env]
      : (await readFile(camera.credentials.file, 'utf8')).trim()
    : undefined;
  if (camera.credentials && !secret) {
    throw new Error(
      `camera ${camera.id}: its credentials (${JSON.stringify(camera.credentials)}) are not set on this host`,
    );
  }
  const [user = '', ...password] = (secret ?? '').split(':');
  const auth = secret ? `${encodeURIComponent(user)}:${encodeURIComponent(password.join(':'))}@` : '';
  const url = camera.url.replace(/^(rtsps?:\/\/)/i, `$1${auth}`);
  return fromRtsp(url, source).frames;
}
