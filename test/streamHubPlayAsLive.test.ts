/** playAsLive on real ffmpeg: real-time pacing by ptsMs, loops, latest-wins drops, status. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { firstValueFrom, lastValueFrom, take, tap, toArray } from 'rxjs';
import { playAsLive } from '../src/hub/playAsLive.js';
import { retainFrame } from '../src/operators/frameLease.js';
import { fromFile } from '../src/sources/fromFile.js';
import type { SourceStatus } from '../src/types/sourceStatus.js';
import { makeCfrClip, makeTempDir, waitForNoFfmpeg } from './helpers/media.js';

describe('playAsLive', () => {
  let clip: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    const tmp = await makeTempDir();
    cleanup = tmp.cleanup;
    // 25 frames, 40 ms apart.
    clip = await makeCfrClip(tmp.dir, { fps: 25, seconds: 1, width: 160, height: 120 });
  });
  after(() => cleanup());

  test('plays every frame at its pts once, then ends; dropped + shown = decoded', async () => {
    const live = playAsLive(fromFile(clip, { sourceId: 'clip' }), { speed: 2 });
    const statuses: SourceStatus[] = [];
    const sub = live.status.subscribe((s) => statuses.push(s));
    const frames = await lastValueFrom(live.frames.pipe(toArray()));
    sub.unsubscribe();
    const last = statuses.at(-1);
    assert.equal(last?.state, 'ended');
    assert.equal(last?.framesIn, 25);
    assert.equal(frames.length + (last?.droppedFrames ?? -1), 25);
    assert.ok(frames.length >= 13, `most frames shown to a fast consumer, got ${frames.length}`);
    for (const f of frames) {
      assert.equal(f.ptsMs, f.index * 40, `pts of index ${f.index}`);
      assert.equal(f.sourceId, 'clip');
      assert.equal(f.data.length, 160 * 120 * 3);
    }
    for (let i = 1; i < frames.length; i++) {
      assert.ok(frames[i]!.index > frames[i - 1]!.index);
      assert.ok(frames[i]!.capturedAtMs >= frames[i - 1]!.capturedAtMs);
    }
    // Paced: 24 gaps of 40 ms at speed 2 take about 480 ms of wall time (generous lower bound).
    assert.ok(frames.at(-1)!.capturedAtMs - frames[0]!.capturedAtMs >= 300);
    assert.deepEqual([...new Set(statuses.map((s) => s.state))], ['live', 'ended']);
  });

  test('loop: index and ptsMs keep growing across restarts; unsubscribing kills ffmpeg', async () => {
    const live = playAsLive(fromFile(clip), { loop: true, speed: 4 });
    const frames = await firstValueFrom(live.frames.pipe(take(60), toArray()));
    assert.equal(frames.length, 60);
    for (const f of frames) assert.equal(f.ptsMs, f.index * 40, `continuous pts at index ${f.index}`);
    assert.ok(frames.at(-1)!.index >= 59, 'went round the 25-frame clip more than twice');
    assert.equal(await waitForNoFfmpeg(3000), 0);
  });

  test('a slow consumer gets the newest frames, one at a time, and drops are counted', async () => {
    const live = playAsLive(fromFile(clip, { sourceId: 'slow' }), { speed: 2, maxInFlight: 1 });
    let retained = 0;
    let maxRetained = 0;
    const timers = new Set<NodeJS.Timeout>();
    const statuses: SourceStatus[] = [];
    const sub = live.status.subscribe((s) => statuses.push(s));
    const frames = await lastValueFrom(
      live.frames.pipe(
        tap((frame) => {
          const release = retainFrame(frame);
          retained += 1;
          maxRetained = Math.max(maxRetained, retained);
          const timer = setTimeout(() => {
            timers.delete(timer);
            retained -= 1;
            release();
          }, 100); // five frame intervals at speed 2
          timers.add(timer);
        }),
        toArray(),
      ),
    );
    sub.unsubscribe();
    for (const t of timers) clearTimeout(t);
    assert.equal(maxRetained, 1, 'never more than maxInFlight frames out');
    const dropped = statuses.at(-1)?.droppedFrames ?? 0;
    assert.ok(frames.length <= 12, `a 100 ms consumer sees few of 25 frames at 20 ms, got ${frames.length}`);
    assert.equal(frames.length + dropped, 25);
    const gaps = frames.slice(1).filter((f, i) => f.index > frames[i]!.index + 1);
    assert.ok(gaps.length >= 1, 'dropped frames leave index gaps');
  });

  test('invalid options name the option', () => {
    const file = fromFile(clip);
    assert.throws(() => playAsLive(file, { maxInFlight: 0 }), {
      code: 'AUF_ERR_INVALID_OPTION',
      message: /maxInFlight/,
    });
    assert.throws(() => playAsLive(file, { speed: 0 }), { code: 'AUF_ERR_INVALID_OPTION', message: /speed/ });
  });
});
