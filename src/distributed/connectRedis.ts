/** Opens an ioredis connection and waits until Redis answers, failing with a typed error. */
import type { Redis } from 'ioredis';
import { DistributedError } from '../errors.js';
import { loadEngines } from './engines.js';
import { redisOptions } from './redisUrl.js';

export interface ConnectOptions {
  /** Keep retrying requests through a Redis restart (workers). Defaults to false (fail fast). */
  readonly forWorker?: boolean;
  /** How long to wait for the first PONG, in ms. Defaults to 5000. */
  readonly timeoutMs?: number;
}

export async function connectRedis(url: string, options: ConnectOptions = {}): Promise<Redis> {
  const { ioredis } = await loadEngines();
  const connection = new ioredis.Redis({
    ...redisOptions(url, options.forWorker ?? false),
    lazyConnect: true,
  });
  connection.on('error', () => undefined); // reconnects are ioredis's job; failures surface on commands
  const timeoutMs = options.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connection.connect().then(() => connection.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return connection;
  } catch (cause) {
    connection.disconnect();
    throw new DistributedError(
      'AUF_ERR_REDIS_CONNECT',
      `Cannot reach Redis at ${url.replace(/\/\/[^@/]*@/, '//***@')} (${(cause as Error).message}). ` +
        'Check that redis-server runs there and the port is reachable.',
      { cause },
    );
  } finally {
    clearTimeout(timer);
  }
}
