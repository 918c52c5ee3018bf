/**
 * At-least-once under crashes: kill -9 of a worker (and its sandboxed children) mid-file, and
 * kill -9 of Redis with a restart from its append-only file. Every output must still equal a
 * single-process `analyze`: no row lost, none repeated; a rerun job rewrites identical bytes.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArchiveQueue, type SuccessManifest } from '../../src/distributed/index.js';
import { AUModel, DEFAULT_MODEL_PATH } from '../../src/index.js';
import { hashFile } from '../../src/distributed/partFiles.js';
import { makeTempDir } from '../helpers/media.js';
import {
  assertSameCsv,
  makeClips,
  referenceCsv,
  spawnWorker,
  waitFor,
  type WorkerProcess,
} from './archiveHelpers.js';
import { startRedis, type RedisServer } from './redisServer.js';

describe('archive jobs survive crashes', { timeout: 180_000 }, () => {
  let redis: RedisServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let queue: ArchiveQueue;
  let model: AUModel;
  const workers: WorkerProcess[] = [];
  before(async () => {
    [redis, temp, model] = await Promise.all([
      startRedis(),
      makeTempDir(),
      AUModel.create(DEFAULT_MODEL_PATH),
    ]);
    queue = await ArchiveQueue.connect(redis.url);
  });
  after(async () => {
    for (const w of workers) w.kill9();
    await Promise.all(workers.map((w) => w.exited));
    await queue.close();
    await model.dispose();
    await redis.stop();
    await temp.cleanup();
  });

  it('kill -9 of a worker mid-file: another resumes from the checkpoint, no row lost or repeated', async () => {
    const [clip] = await makeClips(temp.dir, 1, 6);
    const out = join(temp.dir, 'killed-worker');
    const first = spawnWorker(redis.url);
    workers.push(first);
    const [job] = await queue.submit([clip!], { outDir: out });
    // Kill once a checkpoint is in Redis and the part is still running.
    const killedAt = await waitFor('a checkpoint', 60_000, async () => {
      const s = await queue.status(job!.id);
      return s.doneMs >= 1000 && s.partStates[0] === 'active' ? s.doneMs : undefined;
    });
    first.kill9();
    await first.exited;
    workers.push(spawnWorker(redis.url));
    await waitFor('the job to complete elsewhere', 90_000, async () =>
      (await queue.status(job!.id)).state === 'completed' ? true : undefined,
    );
    const { logs } = await queue.status(job!.id);
    assert.ok(
      logs.some((l) => /^p0: resumed after \d+/.test(l)),
      `the retry resumed from a checkpoint (killed at ${killedAt} ms): ${logs.join('; ')}`,
    );
    const expected = await referenceCsv(clip!, join(temp.dir, 'killed-expected.csv'), model);
    const rows = await assertSameCsv(join(out, 'clip0', 'clip0.csv'), expected);
    assert.ok(rows >= 170, `${rows} rows`);
  });

  it('kill -9 of Redis and a restart from its AOF: every job completes, outputs idempotent', async () => {
    const clips = await makeClips(join(temp.dir), 3, 2);
    const out = join(temp.dir, 'killed-redis');
    const jobs = await queue.submit(clips, { outDir: out });
    await waitFor('a job in progress', 60_000, async () => {
      const s = await Promise.all(jobs.map((j) => queue.status(j.id)));
      return s.some((x) => x.doneMs > 0) ? true : undefined;
    });
    await redis.kill();
    await new Promise((r) => setTimeout(r, 1500));
    await redis.restart();
    await waitFor('three completed jobs', 120_000, async () => {
      const s = await Promise.all(jobs.map((j) => queue.status(j.id)));
      assert.ok(!s.some((x) => x.state === 'failed'), JSON.stringify(s));
      return s.every((x) => x.state === 'completed') ? true : undefined;
    });
    for (const [i, clip] of clips.entries()) {
      const dir = join(out, `clip${i}`);
      const expected = await referenceCsv(clip, join(temp.dir, `redis-expected${i}.csv`), model);
      await assertSameCsv(join(dir, `clip${i}.csv`), expected);
      const manifest = JSON.parse(await readFile(join(dir, '_SUCCESS.json'), 'utf8')) as SuccessManifest;
      for (const [name, file] of Object.entries(manifest.files)) {
        assert.equal(await hashFile(join(dir, name)), file.sha256, `${name} is what the manifest says`);
      }
    }
    const again = await queue.submit(clips, { outDir: out });
    assert.ok(again.every((j) => j.duplicate));
  });
});
