/** The optional engines: a missing one is a typed error that says what to install. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { importOptional, loadEngines } from '../../src/distributed/engines.js';
import { redisOptions } from '../../src/distributed/redisUrl.js';

it('a missing optional package rejects with AUF_ERR_DEPENDENCY_MISSING and the install command', async () => {
  await assert.rejects(importOptional('auformer-no-such-engine'), {
    name: 'DistributedError',
    code: 'AUF_ERR_DEPENDENCY_MISSING',
    message: /'auformer-no-such-engine'.*npm install bullmq ioredis/,
  });
  // Installed here (devDependencies): both load, once.
  const [a, b] = await Promise.all([loadEngines(), loadEngines()]);
  assert.equal(typeof a.bullmq.Queue, 'function');
  assert.equal(a, b);
});

it('Redis URLs: parts, database, TLS, and a typed error that hides the password', () => {
  assert.deepEqual(
    { ...redisOptions('redis://u:p%40ss@10.0.0.5:6380/2'), maxRetriesPerRequest: undefined },
    {
      host: '10.0.0.5',
      port: 6380,
      username: 'u',
      password: 'p@ss',
      db: 2,
      maxRetriesPerRequest: undefined,
      enableOfflineQueue: true,
    },
  );
  assert.equal(redisOptions('redis://h', true).maxRetriesPerRequest, null);
  assert.deepEqual(redisOptions('rediss://h:1').tls, {});
  assert.throws(
    () => redisOptions('http://u:secret@h:1'),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'AUF_ERR_REDIS_CONNECT');
      assert.doesNotMatch(e.message, /secret/);
      return true;
    },
  );
});
