/** Parses `redis://[user:password@]host:port[/db]` into ioredis options, with a typed error. */
import type { RedisOptions } from 'ioredis';
import { DistributedError } from '../errors.js';

/** ioredis options for `url`; `forWorker` sets what BullMQ workers require (no request retry cap). */
export function redisOptions(url: string, forWorker = false): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw invalid(url, { cause });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw invalid(url);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw invalid(url);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db === '' ? {} : { db: Number(db) }),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // Workers must wait through a Redis restart; a CLI command should fail fast instead.
    maxRetriesPerRequest: forWorker ? null : 3,
    enableOfflineQueue: true,
  };
}

function invalid(url: string, options?: { cause?: unknown }): DistributedError {
  return new DistributedError(
    'AUF_ERR_REDIS_CONNECT',
    `Invalid Redis URL '${url.replace(/\/\/[^@/]*@/, '//***@')}': expected redis://host:port[/db], ` +
      'e.g. redis://127.0.0.1:6379.',
    options,
  );
}
