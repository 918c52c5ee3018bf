/**
 * The Redis settings production needs, checked when a worker or gateway starts: without the
 * append-only file a Redis restart loses queued jobs; with an evicting `maxmemory-policy` Redis
 * may silently drop job keys under memory pressure (BullMQ requires `noeviction`).
 */
import type { Redis } from 'ioredis';

/** Warnings for settings that lose work; empty when AOF is on and the policy is `noeviction`. */
export async function checkRedisSettings(connection: Redis): Promise<string[]> {
  const warnings: string[] = [];
  const value = async (key: string): Promise<string | undefined> => {
    try {
      const reply = (await connection.config('GET', key)) as string[];
      return reply[1];
    } catch {
      return undefined; // CONFIG disabled (managed Redis): nothing to check
    }
  };
  if ((await value('appendonly')) === 'no') {
    warnings.push('Redis runs without the append-only file: a restart loses jobs. Set `appendonly yes`.');
  }
  const policy = await value('maxmemory-policy');
  if (policy !== undefined && policy !== 'noeviction') {
    warnings.push(
      `Redis maxmemory-policy is '${policy}': keys may be evicted. Set \`maxmemory-policy noeviction\`.`,
    );
  }
  return warnings;
}
