/**
 * At-least-once under crashes: kill -9 of a worker (and its sandboxed children) mid-file, and
 * kill -9 of Redis with a restart from its append-only file. Every output must still equal a
 * single-process `analyze`: no row lost, none repeated; a rerun job rewrites identical bytes.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SuccessManifest } from '../../src/distributed/index.js';
import { hashFile } from '../../src/distributed/partFiles.js';
import {
  assertSameCsv,
  makeClips,
  referenceCsv,
  spawnWorker,
  useArchiveEnv,
  waitFor,
} from './archiveHelpers.js';

describe('archive jobs survive crashes', { timeout: 180_000 }, () => {
  const env = useArchiveEnv();

  it('kill -9 of a worker mid-file: another resumes from the checkpoint, no row lost or repeated', async () => {
    const [clip] = await makeClips(env.temp.dir, 1, 6);
    const out = join(env.temp.dir, 'killed-worker');
    const first = spawnWorker(env.redis.url);
    env.workers.push(first);
    const [job] = await env.queue.submit([clip!], { outDir: out });
    // Kill once a checkpoint is in Redis and the part is still running.
    const killedAt = await waitFor('a checkpoint', 60_000, async () => {
      const s = await env.queue.status(job!.id);
      return s.doneMs >= 1000 && s.partStates[0] === 'active' ? s.doneMs : undefined;
    });
    first.kill9();
    await first.exited;
    env.workers.push(spawnWorker(env.redis.url));
    await waitFor('the job to complete elsewhere', 90_000, async () =>
      (await env.queue.status(job!.id)).state === 'completed' ? true : undefined,
    );
    const { logs } = await env.queue.status(job!.id);
    assert.ok(
      logs.some((l) => /^p0: resumed after \d+/.test(l)),
      `the retry resumed from a checkpoint (killed at ${killedAt} ms): ${logs.join('; ')}`,
    );
    const expected = await referenceCsv(clip!, join(env.temp.dir, 'killed-expected.csv'), env.model);
    const rows = await assertSameCsv(join(out, 'clip0', 'clip0.csv'), expected);
    assert.ok(rows >= 170, `${rows} rows`);
  });

  it('kill -9 of Redis and a restart from its AOF: every job completes, outputs idempotent', async () => {
    const clips = await makeClips(join(env.temp.dir), 3, 2);
    const out = join(env.temp.dir, 'killed-redis');
    const jobs = await env.queue.submit(clips, { outDir: out });
    await waitFor('a job in progress', 60_000, async () => {
      const s = await Promise.all(jobs.map((j) => env.queue.status(j.id)));
      return s.some((x) => x.doneMs > 0) ? true : undefined;
    });
    await env.redis.kill();
    await new Promise((r) => setTimeout(r, 1500));
    await env.redis.restart();
    await waitFor('three completed jobs', 120_000, async () => {
      const s = await Promise.all(jobs.map((j) => env.queue.status(j.id)));
      assert.ok(!s.some((x) => x.state === 'failed'), JSON.stringify(s));
      return s.every((x) => x.state === 'completed') ? true : undefined;
    });
    for (const [i, clip] of clips.entries()) {
      const dir = join(out, `clip${i}`);
      const expected = await referenceCsv(clip, join(env.temp.dir, `redis-expected${i}.csv`), env.model);
      await assertSameCsv(join(dir, `clip${i}.csv`), expected);
      const manifest = JSON.parse(await readFile(join(dir, '_SUCCESS.json'), 'utf8')) as SuccessManifest;
      for (const [name, file] of Object.entries(manifest.files)) {
        assert.equal(await hashFile(join(dir, name)), file.sha256, `${name} is what the manifest says`);
      }
    }
    const again = await env.queue.submit(clips, { outDir: out });
    assert.ok(again.every((j) => j.duplicate));
  });
});
