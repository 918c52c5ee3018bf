/**
 * Reads records back from the results streams: plain XREAD for live fan-out (each reader sees
 * every new record; nothing to acknowledge), or a consumer group for storage consumers (each
 * record goes to one consumer of the group and is acknowledged, XACK, once `next` returned; a
 * consumer that died before acknowledging gets its pending records again when it restarts).
 *
 * ```
 * stream cam1   [..  f7  f8  f9 ]         XREAD from the end: f8, f9, ...
 * output        --f8--f9--f10--...        (records of an older lease epoch than seen: dropped)
 * ```
 * Reads are pulled: the next batch (`count` entries) is asked for once the previous one was
 * emitted, so a slow subscriber slows the reads and never grows memory here. Streams that
 * appear later (a new camera) are found every `refreshMs`, by name (SCAN) and in the announced
 * sources (`toRedisStream`'s `sources`).
 *
 * @example
 * import { connectRedis, fromRedisStream } from 'auformer-stream/distributed';
 * const redis = await connectRedis('redis://127.0.0.1:6379');
 * fromRedisStream(redis, { group: { name: 'storage', consumer: 'db-1' } }).pipe(toJsonLines(...)).subscribe();
 * @see toRedisStream, docs/distributed.md
 */
import type { Redis } from 'ioredis';
import { Observable } from 'rxjs';
import type { AnalysisRecord } from '../index.js';
import { DEFAULT_STREAM_PREFIX, resultsKey, sourcesKey } from './streamKeys.js';
import { decodeRecord } from './streamRecord.js';

export interface RedisStreamSourceOptions {
  /** Key prefix shared with the producers. Defaults to `auformer`. */
  readonly prefix?: string;
  /** Streams to read, by source id. Defaults to every `<prefix>:results:*` stream, found every `refreshMs`. */
  readonly sourceIds?: readonly string[];
  /** Read as this consumer of this group (a new group starts at the oldest entry kept). Defaults to plain reads. */
  readonly group?: { readonly name: string; readonly consumer: string };
  /** Plain reads: `'new'` (from now) or `'all'` (from the oldest kept). Defaults to `'new'`. */
  readonly from?: 'new' | 'all';
  /** Entries per read. Defaults to 100. */
  readonly count?: number;
  /** How long one read blocks waiting for entries, in ms. Defaults to 1000. */
  readonly blockMs?: number;
  /** How often to look for new streams, in ms. Defaults to 1000. */
  readonly refreshMs?: number;
}

/** Counters a reader keeps: records emitted, and late records dropped for an older epoch. */
export interface RedisStreamSourceStats {
  emitted: number;
  staleDropped: number;
}

export function fromRedisStream(
  redis: Redis,
  options: RedisStreamSourceOptions = {},
  stats: RedisStreamSourceStats = { emitted: 0, staleDropped: 0 },
): Observable<AnalysisRecord> {
  const { prefix = DEFAULT_STREAM_PREFIX, count = 100, blockMs = 1000, refreshMs = 1000, group } = options;
  return new Observable<AnalysisRecord>((subscriber) => {
    const reader = redis.duplicate(); // XREAD BLOCK holds its connection
    reader.on('error', () => undefined); // reconnects are ioredis's; failed reads surface below
    let running = true;
    const cursors = new Map<string, string>();
    const epochs = new Map<string, number>();
    let lastRefresh = -Infinity;
    let firstDiscovery = true;

    const discover = async (): Promise<void> => {
      lastRefresh = Date.now();
      // Announced sources count too: a stream created after discovery is then read from its start.
      const keys = options.sourceIds?.map((id) => resultsKey(prefix, id)) ?? [
        ...new Set([
          ...(await scanKeys(reader, `${prefix}:results:*`)),
          ...(await reader.hkeys(sourcesKey(prefix))).map((id) => resultsKey(prefix, id)),
        ]),
      ];
      for (const key of keys.filter((k) => !cursors.has(k))) {
        if (group) {
          await reader.xgroup('CREATE', key, group.name, '0', 'MKSTREAM').catch((e: Error) => {
            if (!e.message.includes('BUSYGROUP')) throw e;
          });
          cursors.set(key, '0'); // our pending entries first, then '>'
        } else if (options.from === 'all' || !firstDiscovery) cursors.set(key, '0-0');
        // From now: past the newest entry of streams that exist when reading starts; streams
        // found later were created since, so all of theirs is new.
        else cursors.set(key, (await reader.xrevrange(key, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0');
      }
      firstDiscovery = false;
    };

    const emit = (key: string, id: string, fields: Buffer[]): void => {
      let record: AnalysisRecord | undefined;
      let epoch: number | undefined;
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const name = fields[i]!.toString();
        if (name === 'r') record = decodeRecord(fields[i + 1]!);
        else if (name === 'e') epoch = Number(fields[i + 1]!.toString());
      }
      if (!record) return;
      const newest = epochs.get(key) ?? -Infinity;
      if (epoch !== undefined && epoch < newest) stats.staleDropped += 1;
      else {
        if (epoch !== undefined) epochs.set(key, epoch);
        stats.emitted += 1;
        subscriber.next(record);
      }
      if (!group) cursors.set(key, id);
    };

    const readOnce = async (): Promise<void> => {
      if (Date.now() - lastRefresh >= refreshMs) await discover();
      const keys = [...cursors.keys()];
      if (keys.length === 0)
        return void (await new Promise((r) => setTimeout(r, Math.min(blockMs, refreshMs))));
      const ids = keys.map((k) => (group && cursors.get(k) !== '0' ? '>' : (cursors.get(k) ?? '$')));
      blocked = true;
      const reply = group
        ? await reader.xreadgroupBuffer(
            'GROUP',
            group.name,
            group.consumer,
            'COUNT',
            count,
            'BLOCK',
            blockMs,
            'STREAMS',
            ...keys,
            ...ids,
          )
        : await reader.xreadBuffer('COUNT', count, 'BLOCK', blockMs, 'STREAMS', ...keys, ...ids);
      blocked = false;
      const got = new Set<string>();
      for (const [keyBuf, entries] of (reply ?? []) as [Buffer, [Buffer, Buffer[]][]][]) {
        const key = keyBuf.toString();
        if (entries.length > 0) got.add(key);
        for (const [idBuf, fields] of entries) {
          if (!running) return;
          emit(key, idBuf.toString(), fields);
          if (group) await reader.xack(key, group.name, idBuf.toString());
        }
      }
      // A group reader's pending backlog is done once a '0' read returns nothing for it.
      if (group) for (const k of keys) if (cursors.get(k) === '0' && !got.has(k)) cursors.set(k, '>');
    };

    let blocked = false;
    void (async () => {
      try {
        while (running) await readOnce();
      } catch (error) {
        if (running) subscriber.error(error);
      }
      // Stopped between reads (inside `next`): the acknowledgement of that record still goes out.
      if (!blocked) await reader.quit().catch(() => reader.disconnect());
    })();
    return () => {
      running = false;
      if (blocked) reader.disconnect(); // nothing to acknowledge while a read waits
    };
  });
}

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500, 'TYPE', 'stream');
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.sort();
}
