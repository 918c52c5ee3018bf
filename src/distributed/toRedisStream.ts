/**
 * Appends every record to its source's Redis stream (XADD, MessagePack), bounded by MAXLEN
 * (approximate trimming, `~`) or by age (MINID), and passes records on.
 *
 * ```
 * records  --f0--f1--e--f2--|
 * output   --f0--f1--e--f2------|   (completes once every XADD is acknowledged)
 * Redis    auformer:results:cam1  [f0 f1 e f2]  (oldest trimmed past maxLen)
 * ```
 * Appends are pipelined, never awaited per record; at most `maxInFlight` may be unanswered,
 * beyond that records are not appended and counted (`dropped`), the live rule of the SDK. A
 * failed append ends the stream with a `SinkError`.
 *
 * @example
 * import { connectRedis, toRedisStream } from 'auformer-stream/distributed';
 * const redis = await connectRedis('redis://127.0.0.1:6379');
 * hub.results$.pipe(toRedisStream(redis, { maxLen: 36_000, sources: infos, model: card })).subscribe();
 * @see fromRedisStream, docs/distributed.md
 */
import type { Redis } from 'ioredis';
import { defer, Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { OptionError, SinkError } from '../errors.js';
import type { AnalysisRecord, ModelCard, SourceInfo } from '../index.js';
import { DEFAULT_STREAM_PREFIX, modelKey, resultsKey, sourcesKey } from './streamKeys.js';
import { encodeRecord } from './streamRecord.js';

export interface RedisStreamSinkOptions {
  /** Key prefix shared with consumers and gateways. Defaults to `auformer`. */
  readonly prefix?: string;
  /** Entries kept per stream (approximately). Defaults to 10000. Ignored when `maxAgeMs` is set. */
  readonly maxLen?: number;
  /** Keep entries younger than this instead (MINID, from Redis's clock), in ms. Defaults to none. */
  readonly maxAgeMs?: number;
  /** Lease epoch written with every record; consumers drop records of an older epoch. Defaults to none. */
  readonly epoch?: number;
  /** Unanswered appends allowed before records are dropped. Defaults to 10000. */
  readonly maxInFlight?: number;
  /** Published once at subscribe for gateways' hello. Defaults to none. */
  readonly sources?: readonly SourceInfo[];
  readonly model?: ModelCard;
  /**
   * Keep faces' 468-point meshes in the entries (as float32: about 6.4 kB for a one-face frame,
   * against 0.7 kB without; pose and geometry stay either way). Defaults to true.
   */
  readonly landmarks?: boolean;
}

export interface RedisStreamSinkStats {
  appended: number;
  dropped: number;
}

export function toRedisStream(
  redis: Redis,
  options: RedisStreamSinkOptions = {},
  stats: RedisStreamSinkStats = { appended: 0, dropped: 0 },
): MonoTypeOperatorFunction<AnalysisRecord> {
  const { prefix = DEFAULT_STREAM_PREFIX, maxLen = 10_000, maxAgeMs, epoch, maxInFlight = 10_000 } = options;
  const landmarks = options.landmarks ?? true;
  if (!(Number.isInteger(maxLen) && maxLen >= 1))
    throw new OptionError(`toRedisStream: maxLen must be an integer >= 1, got ${maxLen}.`);
  if (maxAgeMs !== undefined && !(maxAgeMs > 0))
    throw new OptionError(`toRedisStream: maxAgeMs must be > 0 (ms), got ${maxAgeMs}.`);
  const trim = (): (string | number)[] =>
    maxAgeMs === undefined ? ['MAXLEN', '~', maxLen] : ['MINID', '~', `${Date.now() - maxAgeMs}-0`];
  return (records) =>
    defer(() => {
      const announce = announceSources(redis, prefix, options);
      return new Observable<AnalysisRecord>((subscriber) => {
        let inFlight = 0;
        let failed = false;
        let upstreamDone = false;
        let announced = false;
        const settle = (): void => {
          if (upstreamDone && announced && inFlight === 0 && !failed) subscriber.complete();
        };
        const fail = (cause: unknown): void => {
          if (failed) return;
          failed = true;
          subscriber.error(
            new SinkError(`toRedisStream: XADD failed (${(cause as Error).message}). Check Redis.`, {
              cause,
            }),
          );
        };
        announce.then(() => {
          announced = true;
          settle();
        }, fail);
        const subscription = records.subscribe({
          next: (record) => {
            if (inFlight >= maxInFlight) stats.dropped += 1;
            else {
              inFlight += 1;
              const fields: (string | Buffer | number)[] = ['r', encodeRecord(record, landmarks)];
              if (epoch !== undefined) fields.push('e', epoch);
              redis.xadd(resultsKey(prefix, record.sourceId), ...trim(), '*', ...fields).then(() => {
                stats.appended += 1;
                inFlight -= 1;
                settle();
              }, fail);
            }
            subscriber.next(record);
          },
          error: (e: unknown) => subscriber.error(e),
          complete: () => {
            upstreamDone = true;
            settle();
          },
        });
        return () => subscription.unsubscribe();
      });
    });
}

async function announceSources(redis: Redis, prefix: string, options: RedisStreamSinkOptions): Promise<void> {
  if (options.sources?.length) {
    await redis.hset(
      sourcesKey(prefix),
      Object.fromEntries(options.sources.map((s) => [s.sourceId, JSON.stringify(s)])),
    );
  }
  if (options.model) await redis.set(modelKey(prefix), JSON.stringify(options.model));
}
