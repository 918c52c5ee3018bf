/** toAnnotatedVideo with real ffmpeg (decode and encode), BlazeFace and the tiny AUFormer. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EMPTY, lastValueFrom, toArray } from 'rxjs';
import {
  analyze,
  AUModel,
  DEFAULT_MODEL_PATH,
  fromFile,
  OptionError,
  type AnalysisRecord,
  type FrameResult,
} from '../src/index.js';
import { trackColor } from '../src/render/palette.js';
import { toAnnotatedVideo } from '../src/sinks/toAnnotatedVideo.js';
import {
  SAMPLE_GROUP,
  SYSTEM_FFMPEG,
  ffprobeFrames,
  makeTempDir,
  makeVfrClip,
  run,
  waitForNoFfmpeg,
} from './helpers/media.js';

const frameResults = (records: AnalysisRecord[]): FrameResult[] => records.filter((r) => r.type === 'frame');

/** Frame `n` of `path` as rgb24 bytes, decoded by the system ffmpeg. */
async function decodeFrame(path: string, n: number, width: number, height: number): Promise<Buffer> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const args = [
      '-v',
      'error',
      '-i',
      path,
      '-vf',
      `select=eq(n\\,${n})`,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ];
    execFile(SYSTEM_FFMPEG, args, { encoding: 'buffer', maxBuffer: 64 << 20 }, (error, stdout) => {
      if (error) reject(error);
      else if (stdout.length !== width * height * 3) reject(new Error(`got ${stdout.length} bytes`));
      else resolve(stdout);
    });
  });
}

async function formatDuration(path: string): Promise<number> {
  const out = await run('/usr/bin/ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration',
    '-of',
    'csv=p=0',
    path,
  ]);
  return Number(out.trim());
}

describe('toAnnotatedVideo', () => {
  let model: AUModel;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let clip: string;
  before(async () => {
    model = await AUModel.create(DEFAULT_MODEL_PATH, { maxBatch: 8 });
    temp = await makeTempDir();
    // The first 20 frames (0.667 s) of the four-face sample, re-encoded: quick to analyse.
    clip = join(temp.dir, 'group20.mp4');
    await run(SYSTEM_FFMPEG, [
      '-v',
      'error',
      '-y',
      '-i',
      SAMPLE_GROUP,
      '-frames:v',
      '20',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      clip,
    ]);
  });
  after(async () => {
    await model.dispose();
    await temp.cleanup();
  });

  const annotate = (
    input: string,
    out: string,
    options: { maxWidth?: number } = {},
  ): Promise<AnalysisRecord[]> =>
    lastValueFrom(
      analyze(input, { model, source: options }).pipe(
        toAnnotatedVideo(out, { frames: fromFile(input, options), auNames: model.card.auNames }),
        toArray(),
      ),
    );

  it('keeps frame count, every pts and the duration of the input, and draws boxes in the track colour', async () => {
    const out = join(temp.dir, 'annotated.mp4');
    const results = frameResults(await annotate(clip, out));
    assert.equal(await waitForNoFfmpeg(), 0, 'ffmpeg left running');
    const input = await ffprobeFrames(clip);
    const output = await ffprobeFrames(out);
    assert.equal(results.length, 20);
    assert.deepEqual(output.ptsMs, input.ptsMs);
    assert.equal(output.width, 1280);
    assert.equal(output.height, 720);
    assert.ok(Math.abs((await formatDuration(out)) - (await formatDuration(clip))) < 0.001);

    // Pixel check: the middle of each box edge is drawn in the track colour (lines 4 px wide at 720p).
    const n = 10;
    const faces = results[n]!.faces;
    assert.ok(faces.length >= 3, `faces in frame ${n}: ${faces.length}`);
    const [annotated, original] = await Promise.all([
      decodeFrame(out, n, 1280, 720),
      decodeFrame(clip, n, 1280, 720),
    ]);
    const near = (image: Buffer, x: number, y: number, rgb: readonly number[]): boolean => {
      const i = (Math.round(y) * 1280 + Math.round(x)) * 3;
      return rgb.every((c, k) => Math.abs(image[i + k]! - c) <= 40);
    };
    for (const face of faces) {
      const { x, y, width, height } = face.box;
      const color = trackColor(face.trackId);
      // Quarter points of each edge (the middles can hold an ear keypoint), 2 px inside.
      const edge = [0.25, 0.75].flatMap((f) => [
        [x + width * f, y + 2], // top
        [x + width * f, y + height - 2], // bottom
        [x + 2, y + height * f], // left
        [x + width - 2, y + height * f], // right
      ]) as [number, number][];
      for (const [px, py] of edge) {
        assert.ok(near(annotated, px, py, color), `track ${face.trackId} colour at (${px}, ${py})`);
      }
      assert.ok(
        edge.filter(([px, py]) => near(original, px, py, color)).length < 3,
        'the input itself already has the colour there: the check proves nothing',
      );
    }
  });

  it('keeps the timestamps of variable-frame-rate input', async () => {
    const vfr = await makeVfrClip(temp.dir);
    const out = join(temp.dir, 'vfr-annotated.mp4');
    await annotate(vfr, out);
    const input = await ffprobeFrames(vfr);
    const output = await ffprobeFrames(out);
    assert.equal(output.ptsMs.length, 30);
    assert.deepEqual(output.ptsMs, input.ptsMs);
  });

  it('finishes a playable file and leaves no ffmpeg when unsubscribed mid-way', async () => {
    const out = join(temp.dir, 'partial.mp4');
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      const subscription = analyze(clip, { model })
        .pipe(toAnnotatedVideo(out, { frames: fromFile(clip), auNames: model.card.auNames }))
        .subscribe({
          next: () => {
            seen += 1;
            if (seen === 6) {
              subscription.unsubscribe();
              resolve();
            }
          },
          error: reject,
        });
    });
    assert.equal(await waitForNoFfmpeg(5000), 0, 'ffmpeg left running after unsubscribe');
    assert.ok(existsSync(out));
    // Whatever was encoded before the unsubscribe is a valid video with the input's first pts.
    const partial = (await ffprobeFrames(out)).ptsMs;
    assert.ok(partial.length >= 2 && partial.length < 20, `frames in the partial video: ${partial.length}`);
    assert.deepEqual(partial, (await ffprobeFrames(clip)).ptsMs.slice(0, partial.length));
  });

  it('rejects missing frames or AU names with an OptionError naming the option', () => {
    assert.throws(
      () => toAnnotatedVideo('x.mp4', { auNames: ['AU01'] } as never),
      (e: unknown) => e instanceof OptionError && /"frames"/.test(e.message),
    );
    assert.throws(
      () => toAnnotatedVideo('x.mp4', { frames: EMPTY, auNames: [] }),
      (e: unknown) => e instanceof OptionError && /"auNames"/.test(e.message),
    );
  });

  it('fails with a SinkError naming the mismatch when the frames come from other options', async () => {
    const out = join(temp.dir, 'mismatch.mp4');
    await assert.rejects(
      lastValueFrom(
        analyze(clip, { model }).pipe(
          toAnnotatedVideo(out, { frames: fromFile(clip, { fps: 5 }), auNames: model.card.auNames }),
        ),
      ),
      (e: Error & { code?: string }) =>
        e.code === 'AUF_ERR_SINK_WRITE' && /same source and options/.test(e.message),
    );
    assert.equal(await waitForNoFfmpeg(), 0);
  });
});
