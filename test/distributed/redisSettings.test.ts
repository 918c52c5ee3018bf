/**
 * The Redis settings production needs, checked at start: a real redis-server without the
 * append-only file and with an evicting policy makes workers, camera hosts and gateways warn;
 * one with AOF and `noeviction` makes none of them warn.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  checkRedisSettings,
  connectRedis,
  serveGateway,
  startCameraWorker,
  startWorker,
} from '../../src/distributed/index.js';
import { startRedis, type RedisServer } from './redisServer.js';

/** Every warning the three kinds of process give at start against `url`. */
async function startWarnings(url: string): Promise<string[][]> {
  const seen: string[][] = [[], [], []];
  const worker = await startWorker(url, { onWarning: (m) => seen[0]!.push(m) });
  await worker.close();
  const host = await startCameraWorker(url, { capacity: 1, onWarning: (m) => seen[1]!.push(m) });
  await host.close();
  const redis = await connectRedis(url);
  try {
    const gateway = await serveGateway(redis, { onWarning: (m) => seen[2]!.push(m) });
    await gateway.close();
  } finally {
    redis.disconnect();
  }
  return seen;
}

describe('Redis settings check', { timeout: 60_000 }, () => {
  let risky: RedisServer;
  let safe: RedisServer;
  before(async () => {
    [risky, safe] = await Promise.all([
      startRedis(['--appendonly', 'no', '--maxmemory-policy', 'allkeys-lru']),
      startRedis(),
    ]);
  });
  after(async () => {
    await Promise.all([risky.stop(), safe.stop()]);
  });

  it('warns about a Redis without AOF and with an evicting policy, in every process', async () => {
    const redis = await connectRedis(risky.url);
    const warnings = await checkRedisSettings(redis);
    redis.disconnect();
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /append-only file.*appendonly yes/);
    assert.match(warnings[1]!, /maxmemory-policy is 'allkeys-lru'.*noeviction/);
    for (const seen of await startWarnings(risky.url)) assert.deepEqual(seen, warnings);
  });

  it('says nothing about a Redis with AOF and noeviction', async () => {
    for (const seen of await startWarnings(safe.url)) assert.deepEqual(seen, []);
  });
});
