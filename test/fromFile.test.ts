import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { lastValueFrom, Observable, take, toArray } from 'rxjs';
import type { MediaError } from '../src/errors.js';
import { retainFrame } from '../src/operators/frameLease.js';
import { fromFile } from '../src/sources/fromFile.js';
import { openFile } from '../src/sources/openFile.js';
import type { Frame } from '../src/types/frame.js';
import {
  countFfmpegProcesses,
  ffprobeFrames,
  makeAudioOnly,
  makeCfrClip,
  makeRotatedClip,
  useTempMediaDir,
  makeTextAsMp4,
  makeTruncatedMp4,
  makeUnsupportedCodec,
  makeVfrClip,
  makeZeroByteFile,
  SAMPLE_FACES,
  VFR_PTS_MS,
  waitForNoFfmpeg,
} from './helpers/media.js';

const EMBEDDED = (await import('@ffmpeg-installer/ffmpeg')).default.path;

function collect(source: Observable<Frame>): Promise<Frame[]> {
  return lastValueFrom(source.pipe(toArray()));
}

/** Collects frames and the error that ended the stream, and how long it took. */
async function collectUntilError(
  source: Observable<Frame>,
): Promise<{ frames: Frame[]; error: MediaError; ms: number }> {
  const frames: Frame[] = [];
  const started = Date.now();
  const error = await new Promise<MediaError>((resolve, reject) => {
    source.subscribe({
      next: (f) => frames.push(f),
      error: (e: MediaError) => resolve(e),
      complete: () => reject(new Error('completed')),
    });
  });
  return { frames, error, ms: Date.now() - started };
}

describe('fromFile', () => {
  const media = useTempMediaDir();

  it('CFR: frame count, ptsMs and size match ffprobe, pixels are real', async () => {
    const clip = await makeCfrClip(media.dir, { fps: 25, seconds: 2 });
    const truth = await ffprobeFrames(clip);
    const frames = await collect(fromFile(clip));
    assert.equal(frames.length, 50);
    assert.deepEqual(
      frames.map((f) => f.ptsMs),
      truth.ptsMs,
    );
    assert.deepEqual(
      frames.map((f) => f.index),
      [...Array(50).keys()],
    );
    const first = frames[0] as Frame;
    assert.equal(first.sourceId, clip);
    assert.deepEqual([first.width, first.height, first.data.length], [320, 240, 320 * 240 * 3]);
    // testsrc frames differ from one another (a moving counter), so frames are not duplicates.
    assert.notDeepEqual(Buffer.from(first.data), Buffer.from((frames[1] as Frame).data));
    assert.ok(first.data.some((b) => b > 0));
  });

  it('VFR: passes timestamps through, no duplicated or dropped frames', async () => {
    const clip = await makeVfrClip(media.dir);
    const truth = await ffprobeFrames(clip);
    assert.deepEqual(truth.ptsMs, VFR_PTS_MS, 'the test clip itself is VFR');
    const frames = await collect(fromFile(clip));
    assert.deepEqual(
      frames.map((f) => f.ptsMs),
      [...VFR_PTS_MS],
    );
  });

  it('rotated phone video: frames come out upright with width and height swapped', async () => {
    const clip = await makeRotatedClip(media.dir);
    const truth = await ffprobeFrames(clip);
    assert.deepEqual([truth.width, truth.height], [320, 240]);
    const frames = await collect(fromFile(clip));
    assert.equal(frames.length, truth.ptsMs.length);
    assert.deepEqual([frames[0]?.width, frames[0]?.height], [240, 320]);
    assert.equal(frames[0]?.data.length, 240 * 320 * 3);
  });

  it('fps sampling, start/end range and maxWidth are done by ffmpeg', async () => {
    const frames = await collect(
      fromFile(SAMPLE_FACES, { fps: 10, startMs: 1000, endMs: 3000, maxWidth: 641, sourceId: 'cam' }),
    );
    assert.equal(frames.length, 20);
    assert.deepEqual(
      frames.map((f) => f.ptsMs),
      Array.from({ length: 20 }, (_, i) => 1000 + i * 100),
    );
    assert.deepEqual([frames[0]?.width, frames[0]?.height, frames[0]?.sourceId], [640, 360, 'cam']);
  });

  it('start/end without resampling keeps the container timestamps', async () => {
    const truth = (await ffprobeFrames(SAMPLE_FACES)).ptsMs.filter((t) => t >= 2000 && t < 2500);
    const frames = await collect(fromFile(SAMPLE_FACES, { startMs: 2000, endMs: 2500 }));
    assert.deepEqual(
      frames.map((f) => f.ptsMs),
      truth,
    );
    assert.equal(truth.length, 15);
  });

  it('back-pressure: a slow consumer never holds more than highWaterMark frames, all arrive in order', async () => {
    const clip = await makeCfrClip(media.dir, { fps: 25, seconds: 2, name: 'bp.mp4' });
    const held: (() => void)[] = [];
    let maxRetained = 0;
    const indices: number[] = [];
    await new Promise<void>((resolve, reject) => {
      fromFile(clip, { highWaterMark: 3 }).subscribe({
        next: (frame) => {
          indices.push(frame.index);
          held.push(retainFrame(frame));
          maxRetained = Math.max(maxRetained, held.length);
          // Release one frame later, from a timer, like an async stage finishing its work.
          setTimeout(() => held.shift()?.(), 5);
        },
        error: reject,
        complete: resolve,
      });
    });
    assert.equal(maxRetained, 3);
    assert.deepEqual(indices, [...Array(50).keys()]);
  });

  it('reuseBuffers: released frames lend their buffers to later ones, pixels intact', async () => {
    const checksum = (f: Frame): number => f.data.reduce((h, v, i) => (h + v * ((i % 251) + 1)) % 1e9, 0);
    const fresh = (await collect(fromFile(SAMPLE_FACES, { fps: 10 }))).map(checksum);
    const sums: number[] = [];
    const buffers = new Set<ArrayBufferLike>();
    const held: (() => void)[] = [];
    await new Promise<void>((resolve, reject) => {
      fromFile(SAMPLE_FACES, { fps: 10, highWaterMark: 3, reuseBuffers: true }).subscribe({
        next: (frame) => {
          sums.push(checksum(frame));
          buffers.add(frame.data.buffer);
          held.push(retainFrame(frame));
          setTimeout(() => held.shift()?.(), 5);
        },
        error: reject,
        complete: resolve,
      });
    });
    assert.deepEqual(sums, fresh, 'every frame has its own pixels when it is emitted');
    assert.ok(buffers.size <= 4, `${buffers.size} buffers for ${sums.length} frames (highWaterMark 3)`);
  });

  it('back-pressure: while frames stay retained, ffmpeg is paused and nothing more is emitted', async () => {
    const releases: (() => void)[] = [];
    const seen: number[] = [];
    const sub = fromFile(SAMPLE_FACES, { highWaterMark: 2 }).subscribe((frame) => {
      seen.push(frame.index);
      releases.push(retainFrame(frame));
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(seen, [0, 1], 'only highWaterMark frames are emitted while none is released');
    assert.equal(await countFfmpegProcesses(), 1, 'ffmpeg is alive (paused), not finished');
    releases.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.deepEqual(seen, [0, 1, 2], 'releasing one frame lets exactly one more through');
    sub.unsubscribe();
    assert.equal(await waitForNoFfmpeg(), 0);
  });

  it('unsubscribe mid-stream kills ffmpeg (no process, no zombie)', async () => {
    const frames = await lastValueFrom(fromFile(SAMPLE_FACES).pipe(take(5), toArray()));
    assert.deepEqual(
      frames.map((f) => f.index),
      [0, 1, 2, 3, 4],
    );
    assert.equal(await waitForNoFfmpeg(), 0);
  });

  describe('bad input gives a typed MediaError within seconds', () => {
    const cases: [string, (d: string) => Promise<string>, string][] = [
      ['missing file', async (d) => `${d}/does-not-exist.mp4`, 'AUF_ERR_FILE_NOT_FOUND'],
      ['directory', async (d) => d, 'AUF_ERR_NOT_A_FILE'],
      ['zero-byte file', makeZeroByteFile, 'AUF_ERR_EMPTY_FILE'],
      ['audio-only file', makeAudioOnly, 'AUF_ERR_NO_VIDEO_STREAM'],
      ['text file named .mp4', makeTextAsMp4, 'AUF_ERR_NO_VIDEO_STREAM'],
      ['unsupported codec', makeUnsupportedCodec, 'AUF_ERR_UNSUPPORTED_CODEC'],
    ];
    for (const [name, make, code] of cases) {
      it(`${name} -> ${code}`, async () => {
        const path = await make(media.dir);
        const { frames, error, ms } = await collectUntilError(fromFile(path));
        assert.equal(error.code, code, error.message);
        assert.equal(error.name, 'MediaError');
        assert.equal(frames.length, 0);
        assert.ok(ms < 5000, `took ${ms} ms`);
        assert.match(error.message, /\./);
        assert.equal(await waitForNoFfmpeg(), 0);
      });
    }

    it('truncated MP4 -> AUF_ERR_DECODE after every frame before the break', async () => {
      const path = await makeTruncatedMp4(media.dir);
      const truth = await ffprobeFrames(path);
      const { frames, error } = await collectUntilError(fromFile(path));
      assert.equal(error.code, 'AUF_ERR_DECODE');
      assert.ok(frames.length > 10 && frames.length < 60, `${frames.length} frames`);
      assert.equal(frames.length, truth.ptsMs.length);
      assert.deepEqual(
        frames.map((f) => f.ptsMs),
        truth.ptsMs,
      );
      assert.match(error.message, new RegExp(`after decoding ${frames.length} frame`));
    });
  });

  it('file:// URLs are decoded as paths', async () => {
    const frames = await collect(fromFile(pathToFileURL(SAMPLE_FACES).href, { fps: 5, endMs: 1000 }));
    assert.deepEqual(
      frames.map((f) => [f.ptsMs, f.sourceId]),
      [0, 200, 400, 600, 800].map((t) => [t, SAMPLE_FACES]),
    );
  });

  it('openFile: info (duration, fps, decoded size, decoder) agrees with the frames', async () => {
    const { info, frames } = await openFile(SAMPLE_FACES, { maxWidth: 641, endMs: 100 });
    assert.deepEqual(
      { ...info, decoder: '' },
      {
        sourceId: SAMPLE_FACES,
        kind: 'file',
        durationMs: 6000,
        fps: 30,
        width: 640,
        height: 360,
        codec: 'h264',
        decoder: '',
      },
    );
    assert.match(info.decoder ?? '', /ffmpeg 5\./);
    const decoded = await collect(frames);
    assert.deepEqual(
      decoded.map((f) => [f.width, f.height]),
      [
        [640, 360],
        [640, 360],
        [640, 360],
      ],
    );
    const rotated = await openFile(`${media.dir}/rotated.mp4`, { maxWidth: 120 });
    const first = (await collect(rotated.frames))[0];
    assert.deepEqual([rotated.info.width, rotated.info.height], [first?.width, first?.height]);
    assert.deepEqual([first?.width, first?.height], [120, 160]);
    await assert.rejects(openFile(`${media.dir}/nothing.mp4`), { code: 'AUF_ERR_FILE_NOT_FOUND' });
  });

  it('invalid options throw OptionError naming the option', () => {
    assert.throws(() => fromFile(SAMPLE_FACES, { fps: 0 }), {
      code: 'AUF_ERR_INVALID_OPTION',
      message: /"fps"/,
    });
    assert.throws(() => fromFile(SAMPLE_FACES, { startMs: 2000, endMs: 1000 }), {
      message: /"startMs".*"endMs"/,
    });
    assert.throws(() => fromFile(SAMPLE_FACES, { highWaterMark: 0 }), { message: /"highWaterMark"/ });
    assert.throws(() => fromFile(SAMPLE_FACES, { maxWidth: 1.5 }), { message: /"maxWidth"/ });
  });

  it('works with the embedded 2018 ffmpeg too (VFR timestamps, rotation, truncation)', async () => {
    const vfr = await collect(fromFile(`${media.dir}/vfr.mp4`, { ffmpegPath: EMBEDDED }));
    assert.deepEqual(
      vfr.map((f) => f.ptsMs),
      [...VFR_PTS_MS],
    );
    const rotated = await collect(
      fromFile(`${media.dir}/rotated.mp4`, { ffmpegPath: EMBEDDED, maxWidth: 120 }),
    );
    assert.deepEqual([rotated[0]?.width, rotated[0]?.height], [120, 160]);
    const broken = await collectUntilError(fromFile(`${media.dir}/truncated.mp4`, { ffmpegPath: EMBEDDED }));
    assert.equal(broken.error.code, 'AUF_ERR_DECODE');
    assert.equal(broken.frames.length, (await ffprobeFrames(`${media.dir}/truncated.mp4`)).ptsMs.length);
  });
});
