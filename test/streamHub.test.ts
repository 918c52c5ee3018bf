/**
 * StreamHub with real components: two file-backed live sources (real ffmpeg, real-time paced)
 * on one hub, one real tiny AUFormer and one real BlazeFace.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { firstValueFrom, from, take, type Subscription } from 'rxjs';
import { StreamHub } from '../src/hub/StreamHub.js';
import { playAsLive } from '../src/hub/playAsLive.js';
import { AUModel } from '../src/model/AUModel.js';
import { DEFAULT_MODEL_PATH } from '../src/model/defaultModel.js';
import { fromFile } from '../src/sources/fromFile.js';
import type { Frame } from '../src/types/frame.js';
import type { AnalysisRecord, FrameResult } from '../src/types/result.js';
import type { SourceStatus } from '../src/types/sourceStatus.js';
import { SAMPLE_FACES, SAMPLE_GROUP, ffmpegChildren, waitForNoFfmpeg } from './helpers/media.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 50 ms; fails the test after `ms`. */
async function waitFor(condition: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Live ffmpeg children of this process decoding a file whose name ends with `name`. */
async function decoders(name: string): Promise<number[]> {
  const pids: number[] = [];
  for (const { pid, state } of await ffmpegChildren()) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (state !== 'Z' && cmdline.split('\0').some((arg) => arg.endsWith(name))) pids.push(pid);
  }
  return pids;
}

const liveFile = (path: string, sourceId: string): ReturnType<typeof playAsLive> =>
  playAsLive(fromFile(path, { sourceId, maxWidth: 480 }), { loop: true });

describe('StreamHub', () => {
  let model: AUModel;
  before(async () => {
    // Batches of two with a long window: with one frame (one face) in flight per source, a full
    // batch must hold a crop of each source, whatever the machine's speed.
    model = await AUModel.create(DEFAULT_MODEL_PATH, { maxBatch: 2, maxWaitMs: 250 });
  });
  after(async () => {
    await model.dispose();
  });

  test('two live sources share one model; remove() stops one, the other goes on', async () => {
    const hub = await StreamHub.create({ model, maxInFlight: 1 });
    const records: AnalysisRecord[] = [];
    const statuses: SourceStatus[] = [];
    const subs: Subscription[] = [
      hub.records.subscribe((r) => records.push(r)),
      hub.status.subscribe((s) => statuses.push(s)),
    ];
    try {
      hub.add('cam-a', liveFile(SAMPLE_FACES, 'cam-a'));
      hub.add('cam-b', liveFile(SAMPLE_GROUP, 'cam-b'));
      const frames = (id: string): FrameResult[] =>
        records.filter((r): r is FrameResult => r.type === 'frame' && r.sourceId === id);
      await waitFor(
        () => frames('cam-a').length >= 4 && frames('cam-b').length >= 4,
        30_000,
        'results of both',
      );

      // Faces were found and scored on both: one person in faces.mp4, several in group.mp4.
      const withFaces = (id: string): FrameResult[] => frames(id).filter((r) => r.status === 'ok');
      assert.ok(withFaces('cam-a').length >= 2, 'faces in cam-a');
      assert.ok(
        withFaces('cam-b').some((r) => r.faces.length >= 2),
        'several faces in one cam-b frame',
      );
      for (const r of [...withFaces('cam-a'), ...withFaces('cam-b')]) {
        for (const face of r.faces) {
          assert.deepEqual(Object.keys(face.aus), [...model.card.auNames]);
          for (const p of Object.values(face.aus)) assert.ok(p > 0 && p < 1, `probability ${p}`);
        }
      }
      // Per source, results come in increasing index and media time, and latency is causal.
      for (const id of ['cam-a', 'cam-b']) {
        const list = frames(id);
        for (let i = 1; i < list.length; i++) {
          assert.ok(list[i]!.index > list[i - 1]!.index, `${id} index order`);
          assert.ok(list[i]!.ptsMs > list[i - 1]!.ptsMs, `${id} pts order`);
        }
      }
      const mixed = model.stats.recentBatches.filter(
        (b) => b.tags.includes('cam-a') && b.tags.includes('cam-b'),
      );
      assert.ok(
        mixed.length >= 1,
        `a batch with crops of both sources: ${JSON.stringify(model.stats.recentBatches)}`,
      );

      const metrics = hub.metrics();
      assert.deepEqual(
        metrics.map((m) => [m.sourceId, m.state]),
        [
          ['cam-a', 'live'],
          ['cam-b', 'live'],
        ],
      );
      for (const m of metrics) {
        assert.ok(m.fpsIn > 0 && m.fpsIn < 60, `fpsIn ${m.fpsIn}`);
        // Rates span the time since each one's first event (under 5 s here), so out may briefly
        // exceed in while results catch up; counts cannot.
        assert.ok(m.fpsOut > 0 && m.fpsOut < 60, `fpsOut ${m.fpsOut}`);
        assert.ok(m.framesOut >= 4 && m.framesOut <= m.framesIn, `frames ${m.framesOut}/${m.framesIn}`);
        assert.ok(
          m.latencyMs.p50 > 0 && m.latencyMs.p95 >= m.latencyMs.p50,
          `latency ${JSON.stringify(m.latencyMs)}`,
        );
        assert.ok(m.batchFill > 0 && m.batchFill <= 1, `batchFill ${m.batchFill}`);
        assert.ok(m.dropped >= 0 && Number.isInteger(m.dropped));
      }
      // One ffmpeg per source (a looping source restarts its ffmpeg: wait through that gap).
      await waitFor(async () => (await decoders('faces.mp4')).length === 1, 5000, "cam-a's ffmpeg");
      await waitFor(async () => (await decoders('group.mp4')).length === 1, 5000, "cam-b's ffmpeg");

      // Remove cam-a: its ffmpeg dies, cam-b keeps producing.
      const aCount = frames('cam-a').length;
      assert.equal(hub.remove('cam-a'), true);
      assert.equal(hub.remove('cam-a'), false);
      await waitFor(async () => (await decoders('faces.mp4')).length === 0, 3000, 'cam-a ffmpeg to exit');
      const bCount = frames('cam-b').length;
      await waitFor(() => frames('cam-b').length >= bCount + 3, 20_000, 'cam-b results after the removal');
      // Only the frame(s) already in flight at remove() (playAsLive lets one out at a time) may finish.
      assert.ok(frames('cam-a').length - aCount <= 1, 'no new cam-a frames after remove()');
      assert.deepEqual(hub.sourceIds, ['cam-b']);
      assert.deepEqual(
        statuses
          .filter((s) => s.sourceId === 'cam-a')
          .map((s) => s.state)
          .filter((s, i, all) => s !== all[i - 1]),
        ['connecting', 'live', 'ended'],
      );
    } finally {
      await hub.close();
      for (const s of subs) s.unsubscribe();
    }
    assert.equal(await waitForNoFfmpeg(3000), 0, 'no ffmpeg after close()');
    assert.equal(statuses.at(-1)?.state, 'ended');
    assert.equal(statuses.at(-1)?.sourceId, 'cam-b');
  });

  test('remove() lets frames in flight finish and closes open AU episodes (events)', async () => {
    // threshold 0.01: every AU of every face counts as active, so each track has 12 open episodes.
    const hub = await StreamHub.create({ model, events: { threshold: 0.01 } });
    const records: AnalysisRecord[] = [];
    const sub = hub.records.subscribe((r) => records.push(r));
    try {
      hub.add('cam', liveFile(SAMPLE_FACES, 'cam'));
      const faced = (): FrameResult[] =>
        records.filter((r): r is FrameResult => r.type === 'frame' && r.faces.length > 0);
      await waitFor(() => faced().length >= 3, 30_000, 'frames with a face');
      assert.equal(records.filter((r) => r.type === 'event').length, 0, 'episodes still open');
      hub.remove('cam');
      await waitFor(() => records.some((r) => r.type === 'event'), 5000, 'episodes closed by remove()');
      const events = records.filter((r) => r.type === 'event');
      const trackId = faced()[0]?.faces[0]?.trackId;
      const ofTrack = events.filter((e) => e.trackId === trackId);
      assert.deepEqual(ofTrack.map((e) => e.au).sort(), [...model.card.auNames].sort());
      for (const e of events) {
        assert.equal(e.sourceId, 'cam');
        assert.ok(e.endMs >= e.startMs && e.peakMs >= e.startMs && e.peakMs <= e.endMs);
      }
    } finally {
      sub.unsubscribe();
      await hub.close();
    }
  });

  test('a source that does not pace itself is dropped at the entry, not queued', async () => {
    // One real decoded frame, re-sent 40 times synchronously with new indices (no frame leases).
    const frame = await firstValueFrom(fromFile(SAMPLE_FACES, { maxWidth: 320 }).pipe(take(1)));
    assert.ok(frame);
    const burst = Array.from({ length: 40 }, (_, index): Frame => ({ ...frame, sourceId: 'raw', index }));
    const hub = await StreamHub.create({ model, maxInFlight: 3 });
    const results: FrameResult[] = [];
    const sub = hub.records.subscribe((r) => r.type === 'frame' && results.push(r));
    try {
      hub.add('burst', from(burst));
      await waitFor(() => hub.metrics()[0]?.state === 'ended', 20_000, 'the burst to end');
      const [m] = hub.metrics();
      assert.equal(m?.framesIn, 40);
      assert.equal(m?.framesOut, 3, 'only maxInFlight frames were processed');
      assert.equal(m?.dropped, 37);
      const scored = results.filter((r) => r.status !== 'dropped');
      assert.deepEqual(
        scored.map((r) => [r.sourceId, r.index]),
        [
          ['burst', 0],
          ['burst', 1],
          ['burst', 2],
        ],
        'records carry the hub id',
      );
      // Every frame is accounted for: the dropped ones come out as faceless 'dropped' results.
      const dropped = results.filter((r) => r.status === 'dropped');
      assert.deepEqual(
        dropped.map((r) => r.index),
        Array.from({ length: 37 }, (_, i) => i + 3),
      );
      assert.ok(dropped.every((r) => r.sourceId === 'burst' && r.faces.length === 0));
    } finally {
      sub.unsubscribe();
      await hub.close();
    }
  });

  test('add() refuses a duplicate or empty id and a closed hub', async () => {
    const hub = await StreamHub.create({ model, track: false });
    const never = from([] as Frame[]);
    hub.add('x', never);
    assert.throws(() => hub.add('x', never), { code: 'AUF_ERR_INVALID_OPTION', message: /already exists/ });
    assert.throws(() => hub.add('', never), { code: 'AUF_ERR_INVALID_OPTION', message: /sourceId/ });
    await hub.close();
    await hub.close(); // idempotent
    assert.throws(() => hub.add('y', never), { code: 'AUF_ERR_INVALID_OPTION', message: /closed/ });
    await assert.rejects(StreamHub.create({ model, maxInFlight: 0 }), { message: /maxInFlight/ });
  });
});
