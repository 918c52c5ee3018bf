import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import type { MediaError } from '../src/errors.js';
import { decodeArgs } from '../src/ffmpeg/ffmpegArgs.js';
import { probeMedia } from '../src/ffmpeg/probeMedia.js';
import { resolveFfmpeg } from '../src/ffmpeg/resolveFfmpeg.js';
import { ShowinfoParser } from '../src/ffmpeg/showinfo.js';
import {
  makeAudioOnly,
  makeRotatedClip,
  useTempMediaDir,
  REPO_ROOT,
  SAMPLE_FACES,
  SAMPLE_GROUP,
} from './helpers/media.js';

const EMBEDDED = (await import('@ffmpeg-installer/ffmpeg')).default.path;

/** Runs resolveFfmpeg() in a fresh process (the result is cached per process) with `env`. */
function resolveIn(
  env: NodeJS.ProcessEnv,
): Promise<{ path: string; source: string; major: number; ffprobePath?: string }> {
  const code =
    "import('./src/ffmpeg/resolveFfmpeg.ts').then(async (m) => console.log(JSON.stringify(await m.resolveFfmpeg())))";
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '-e', code],
      { cwd: REPO_ROOT, env: { ...process.env, ...env } },
      (error, stdout) =>
        error
          ? reject(error)
          : resolve(JSON.parse(stdout) as { path: string; source: string; major: number }),
    );
  });
}

describe('resolveFfmpeg', () => {
  it('prefers a system ffmpeg >= 5 and finds its ffprobe; caches the result', async () => {
    const found = await resolveFfmpeg();
    assert.deepEqual(
      [found.path, found.source, found.major, found.ffprobePath],
      ['/usr/bin/ffmpeg', 'system', 5, '/usr/bin/ffprobe'],
    );
    assert.match(found.version, /^5\.1/);
    assert.equal(resolveFfmpeg(), resolveFfmpeg());
  });

  it('FFMPEG_PATH wins; without a system ffmpeg the embedded 2018 build is used', async () => {
    const fromEnv = await resolveIn({ FFMPEG_PATH: EMBEDDED });
    assert.deepEqual([fromEnv.path, fromEnv.source, fromEnv.major], [EMBEDDED, 'env', 0]);
    const embedded = await resolveIn({ FFMPEG_PATH: '', PATH: '/nonexistent' });
    assert.deepEqual(
      [embedded.path, embedded.source, embedded.ffprobePath],
      [EMBEDDED, 'embedded', undefined],
    );
  });

  it('a broken ffmpegPath gives AUF_ERR_FFMPEG_NOT_FOUND with a fix', async () => {
    await assert.rejects(resolveFfmpeg('/nonexistent/ffmpeg'), {
      name: 'MediaError',
      code: 'AUF_ERR_FFMPEG_NOT_FOUND',
      message: /FFMPEG_PATH/,
    });
  });
});

describe('ffmpeg arguments and showinfo', () => {
  it('decodeArgs builds one chain: fps, even-size downscale, showinfo; passthrough timing', async () => {
    const system = await resolveFfmpeg();
    const args = decodeArgs(system, 'in.mp4', { startMs: 1500, endMs: 2000, fps: 5, maxWidth: 641 });
    assert.deepEqual(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 4), [
      '-ss',
      '1.500000',
      '-t',
      '0.500000',
    ]);
    assert.equal(
      args[args.indexOf('-vf') + 1],
      "fps=5,scale=w='if(gt(iw\\,640)\\,640\\,trunc(iw/2)*2)':h=-2,showinfo=checksum=0",
    );
    assert.ok(args.includes('-fps_mode'));
    const old = decodeArgs({ ...system, major: 0 }, 'in.mp4');
    assert.equal(old[old.indexOf('-vf') + 1], 'showinfo');
    assert.ok(old.includes('-vsync'));
  });

  it('showinfo lines give exact ms from the time base, and sizes', () => {
    const parser = new ShowinfoParser();
    assert.equal(
      parser.parse('[Parsed_showinfo_1 @ 0x1] config in time_base: 1/15360, frame_rate: 30/1'),
      undefined,
    );
    const line =
      '[Parsed_showinfo_1 @ 0x1] n:   1 pts:    512 pts_time:0.0333333 pos: 29826 fmt:rgb24 sar:1/1 s:640x360 i:P';
    assert.deepEqual(parser.parse(line), { ptsMs: 33.333, width: 640, height: 360 });
    assert.equal(parser.parse('[h264 @ 0x2] n: 1 pts: 5 pts_time:1 s:2x2'), undefined);
  });
});

describe('probeMedia', () => {
  const media = useTempMediaDir();

  for (const useFfprobe of [true, false]) {
    it(`describes the samples and a rotated clip (${useFfprobe ? 'ffprobe' : 'ffmpeg -i'})`, async () => {
      const faces = await probeMedia(SAMPLE_FACES, { useFfprobe });
      assert.deepEqual(faces, {
        durationMs: 6000,
        fps: 30,
        width: 1280,
        height: 720,
        codec: 'h264',
        rotation: 0,
        decoder: faces.decoder,
      });
      assert.match(faces.decoder, /^\/usr\/bin\/ffmpeg 5\./);
      assert.equal((await probeMedia(SAMPLE_GROUP, { useFfprobe })).durationMs, 3000);
      const rotated = await probeMedia(await makeRotatedClip(media.dir), { useFfprobe });
      assert.deepEqual([rotated.width, rotated.height, rotated.rotation, rotated.fps], [240, 320, 270, 25]);
      const audio = await probeMedia(await makeAudioOnly(media.dir), { useFfprobe }).catch(
        (e: MediaError) => e,
      );
      assert.equal((audio as MediaError).code, 'AUF_ERR_NO_VIDEO_STREAM');
    });
  }

  it('parses the embedded 2018 ffmpeg -i output too', async () => {
    const rotated = await probeMedia(`${media.dir}/rotated.mp4`, { ffmpegPath: EMBEDDED, useFfprobe: false });
    assert.deepEqual(
      [rotated.width, rotated.height, rotated.rotation, rotated.codec],
      [240, 320, 270, 'h264'],
    );
    assert.match(rotated.decoder, /N-47683/);
    await assert.rejects(probeMedia(`${media.dir}/missing.mp4`), { code: 'AUF_ERR_FILE_NOT_FOUND' });
  });
});
