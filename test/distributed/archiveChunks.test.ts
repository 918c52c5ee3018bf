/**
 * `--chunk`: a long file split into parts, each decoded with a pre-roll, merged back. Raw
 * values are per frame, so they must equal an unchunked run; track ids must be joined across
 * the boundaries; smoothed values may differ only by the documented pre-roll tolerance; blinks
 * (also one cut by a boundary) must be those of the unchunked run.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { lastValueFrom, toArray } from 'rxjs';
import { formatMetrics, type ArchiveWorker } from '../../src/distributed/index.js';
import { analyze, type BlinkEvent } from '../../src/index.js';
import {
  assertSameCsv,
  jobCompleted,
  makeClips,
  referenceCsv,
  startTestWorker,
  useArchiveEnv,
} from './archiveHelpers.js';
import { makeBlinkingClip } from './blinkingClip.js';

/** docs/distributed.md: smoothed values within this of an unchunked run, given a 1 s pre-roll. */
const SMOOTHED_TOLERANCE = 1e-3;

describe('chunked archive jobs', { timeout: 150_000 }, () => {
  const env = useArchiveEnv();
  let worker: ArchiveWorker;
  before(async () => (worker = await startTestWorker(env, { concurrency: 2 })));

  it('a file in three parts gives the frames, values and track ids of an unchunked run', async () => {
    const [clip] = await makeClips(env.temp.dir, 1, 6);
    const out = join(env.temp.dir, 'chunked');
    const [job] = await env.queue.submit([clip!], {
      outDir: out,
      chunkMs: 2000,
      preRollMs: 1000,
      meshPoints: 468,
    });
    assert.equal(job?.parts, 3);
    await jobCompleted(env.queue, job!.id);
    const jsonl = (await readFile(join(out, 'clip0', 'clip0.jsonl'), 'utf8')).split('\n');
    const frame = JSON.parse(jsonl[1]!) as { faces: { landmarks: { scheme: string; points: unknown[] } }[] };
    assert.deepEqual(
      [frame.faces[0]!.landmarks.scheme, frame.faces[0]!.landmarks.points.length],
      ['mediapipe468', 468],
    );
    const expected = await referenceCsv(clip!, join(env.temp.dir, 'unchunked.csv'), env.model);
    const rows = await assertSameCsv(join(out, 'clip0', 'clip0.csv'), expected);
    assert.ok(rows >= 170, `${rows} rows`);
    // The worker's Prometheus view of it.
    const metrics = formatMetrics(await worker.metrics());
    assert.match(metrics, /^auformer_queue_jobs\{queue="auformer-parts",state="completed"\} 3$/m);
    assert.match(metrics, /^auformer_worker_part_jobs_total\{result="completed"\} 3$/m);
    assert.equal(Number(/^auformer_worker_frames_total (\d+)$/m.exec(metrics)?.[1]), rows);
    assert.equal(worker.unhealthy(), undefined);
  });

  it('several people, smoothing and events: ids joined, smoothed values within the tolerance', async () => {
    const [, group] = await makeClips(env.temp.dir, 2, 3);
    const options = { smooth: { method: 'ema' as const }, events: {} };
    const out = join(env.temp.dir, 'group');
    const [job] = await env.queue.submit([group!], { outDir: out, chunkMs: 1000, preRollMs: 1000, options });
    assert.equal(job?.parts, 3);
    await jobCompleted(env.queue, job!.id);
    const expected = await referenceCsv(group!, join(env.temp.dir, 'group.csv'), env.model, options);
    const actualPath = join(out, 'clip1', 'clip1.csv');
    const [a, e] = await Promise.all([readCsv(actualPath), readCsv(expected)]);
    assert.deepEqual(a.header, e.header);
    assert.equal(a.rows.length, e.rows.length);
    const col = (name: string): number => e.header.indexOf(name);
    let worst = 0;
    e.rows.forEach((row, r) => {
      for (const name of ['frame', 'face_id', 'pts_ms', 'face_x', 'AU12_p', 'AU04_p']) {
        assert.equal(a.rows[r]![col(name)], row[col(name)], `row ${r} ${name}`);
      }
      for (const name of e.header.filter((h) => h.endsWith('_s'))) {
        worst = Math.max(worst, Math.abs(Number(a.rows[r]![col(name)]) - Number(row[col(name)])));
      }
    });
    assert.ok(worst <= SMOOTHED_TOLERANCE, `smoothed values differ by up to ${worst}`);
    assert.ok(new Set(e.rows.map((row) => row[col('face_id')])).size >= 2, 'several tracks');
    await assertSameCsv(join(out, 'clip1', 'clip1.csv'), expected, SMOOTHED_TOLERANCE);
    // Episodes, also those a boundary cut in two, are those of the unchunked run (any order).
    const sorted = async (p: string): Promise<string[]> =>
      (await readFile(p, 'utf8')).trimEnd().split('\n').slice(1).sort();
    const events = await sorted(join(out, 'clip1', 'clip1.events.csv'));
    assert.ok(events.length > 5, `${events.length} events`);
    const reference = await sorted(`${expected}.events.csv`);
    assert.equal(events.length, reference.length);
    events.forEach((row, i) =>
      row.split(',').forEach((cell, c) => {
        const want = reference[i]!.split(',')[c]!;
        if (c < 3) assert.equal(cell, want, `event ${i}`);
        else
          assert.ok(
            Math.abs(Number(cell) - Number(want)) <= SMOOTHED_TOLERANCE,
            `event ${i}: ${row} vs ${reference[i]}`,
          );
      }),
    );
  });
});

describe('chunked archive jobs: blinks', { timeout: 150_000 }, () => {
  const env = useArchiveEnv();
  before(() => startTestWorker(env, { concurrency: 2 }));

  it('blinks, one of them cut by a part boundary, are those of the unchunked run', async () => {
    // Closed from 0.5 to 0.7 s, across the 2 s boundary, and from 3.0 to 3.2 s (10 fps).
    const clip = await makeBlinkingClip(
      env.temp.dir,
      env.model,
      [
        [0.45, 0.75],
        [1.85, 2.25],
        [2.95, 3.25],
      ],
      4,
    );
    const options = { events: {} };
    const [job] = await env.queue.submit([clip], {
      outDir: join(env.temp.dir, 'b'),
      chunkMs: 2000,
      preRollMs: 1500,
      options,
    });
    assert.equal(job?.parts, 2);
    await jobCompleted(env.queue, job!.id);
    const blinksOf = (records: readonly { type: string }[]): BlinkEvent[] =>
      records.filter((r): r is BlinkEvent => r.type === 'blink');
    const jsonl = (await readFile(join(env.temp.dir, 'b', 'blinks', 'blinks.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n');
    const merged = jsonl.map((line) => JSON.parse(line) as { type: string });
    const reference = await lastValueFrom(analyze(clip, { model: env.model, ...options }).pipe(toArray()));
    const [got, want] = [blinksOf(merged), blinksOf(reference)];
    assert.ok(want.length >= 3, `${want.length} blinks in the unchunked run`);
    assert.ok(
      want.some((b) => b.startMs < 2000 && b.endMs >= 2000),
      'a blink across the boundary',
    );
    assert.equal(got.length, want.length, `blinks at ${got.map((b) => b.startMs).join(', ')} ms`);
    got.forEach((b, i) => {
      const w = want[i]!;
      assert.deepEqual([b.trackId, b.startMs, b.endMs], [w.trackId, w.startMs, w.endMs], `blink ${i}`);
      assert.ok(Math.abs(b.minOpenFraction - w.minOpenFraction) < 1e-3, `blink ${i} depth`);
    });
    // Each blink sits just before the frame that reopened the eyes, as in the unchunked run.
    const next = (records: readonly { type: string; ptsMs?: number }[], b: BlinkEvent): number | undefined =>
      records.slice(records.indexOf(b)).find((r) => r.type === 'frame')?.ptsMs;
    got.forEach((b, i) => assert.equal(next(merged, b), next(reference, want[i]!), `blink ${i} placement`));
  });
});

async function readCsv(path: string): Promise<{ header: string[]; rows: string[][] }> {
  const [header, ...rows] = (await readFile(path, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));
  return { header: header!, rows };
}
