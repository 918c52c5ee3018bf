/**
 * Archive jobs end to end: a real redis-server, three `auformer worker` processes, real ffmpeg
 * and the tiny model. Outputs must equal a single-process `analyze`; bad files must fail at
 * once with their code; a duplicate submission must add nothing.
 */
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeZeroByteFile } from '../helpers/media.js';
import {
  assertSameCsv,
  makeClips,
  referenceCsv,
  spawnWorker,
  useArchiveEnv,
  waitFor,
} from './archiveHelpers.js';

describe('archive jobs on BullMQ', { timeout: 150_000 }, () => {
  const env = useArchiveEnv();

  it('three workers over six files write what a single-process analyze writes (1e-5)', async () => {
    const clips = await makeClips(env.temp.dir, 6, 1.5);
    const out = join(env.temp.dir, 'out');
    env.workers.push(spawnWorker(env.redis.url), spawnWorker(env.redis.url), spawnWorker(env.redis.url));
    const jobs = await env.queue.submit(clips, { outDir: out });
    assert.equal(new Set(jobs.map((j) => j.id)).size, 6);
    assert.ok(jobs.every((j) => !j.duplicate && j.parts === 1));
    await waitFor('six completed jobs', 100_000, async () => {
      const list = await env.queue.list();
      assert.ok(
        !list.some((j) => j.state === 'failed'),
        JSON.stringify(list.filter((j) => j.state === 'failed')),
      );
      return list.filter((j) => j.state === 'completed').length === 6 ? true : undefined;
    });
    for (const [i, clip] of clips.entries()) {
      const expected = await referenceCsv(clip, join(env.temp.dir, `expected${i}.csv`), env.model);
      const rows = await assertSameCsv(join(out, `clip${i}`, `clip${i}.csv`), expected);
      assert.ok(rows >= 40, `clip${i}: ${rows} rows`);
      const manifest = JSON.parse(await readFile(join(out, `clip${i}`, '_SUCCESS.json'), 'utf8')) as {
        frames: number;
        faceRows: number;
        files: Record<string, unknown>;
      };
      assert.equal(manifest.faceRows, rows, 'the manifest counts the CSV rows');
      assert.ok(manifest.frames >= 40 && manifest.frames <= rows);
      assert.deepEqual(Object.keys(manifest.files).sort(), [`clip${i}.csv`, `clip${i}.jsonl`]);
    }
    const after = await env.queue.submit(clips, { outDir: out });
    assert.ok(
      after.every((j) => j.duplicate),
      'resubmitting the same files adds nothing',
    );
    assert.deepEqual(
      after.map((j) => j.id),
      jobs.map((j) => j.id),
    );
  });

  it('a duplicate submit is a no-op: no new job, outputs untouched', async () => {
    const out = join(env.temp.dir, 'out');
    const csv = join(out, 'clip0', 'clip0.csv');
    const before = (await stat(csv)).mtimeMs;
    const count = (await env.queue.list()).length;
    const [again] = await env.queue.submit([join(env.temp.dir, 'clip0.mp4')], { outDir: out });
    assert.equal(again?.duplicate, true);
    await env.queue.clean();
    // Even once the queue forgot it, _SUCCESS.json keeps the submission a no-op.
    const [afterClean] = await env.queue.submit([join(env.temp.dir, 'clip0.mp4')], { outDir: out });
    assert.equal(afterClean?.duplicate, true);
    assert.equal((await env.queue.list()).length, 0, `cleaned ${count} jobs, none added`);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await stat(csv)).mtimeMs, before);
  });

  it('bad files land in the failed set with their code after one attempt', async () => {
    const empty = await makeZeroByteFile(env.temp.dir);
    const text = join(env.temp.dir, 'notes.mp4');
    await writeFile(text, 'these are meeting notes, not a video\n'.repeat(200));
    const jobs = await env.queue.submit([empty, text], {
      outDir: join(env.temp.dir, 'bad'),
      attempts: 5,
      backoffMs: 200,
    });
    const statuses = await waitFor('two failed jobs', 60_000, async () => {
      const all = await Promise.all(jobs.map((j) => env.queue.status(j.id)));
      return all.every((s) => s.state === 'failed') ? all : undefined;
    });
    assert.deepEqual(
      statuses.map((s) => s.code),
      ['AUF_ERR_EMPTY_FILE', 'AUF_ERR_NO_VIDEO_STREAM'],
    );
    assert.deepEqual(
      statuses.map((s) => s.attempts),
      [1, 1],
      'permanent errors are not retried',
    );
    assert.match(statuses[1]!.failedReason ?? '', /AUF_ERR_NO_VIDEO_STREAM/);
  });
});
