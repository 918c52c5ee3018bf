/**
 * Test media made on the fly with the system ffmpeg (/usr/bin/ffmpeg, >= 5) in a temp folder,
 * plus ffprobe ground truth and an ffmpeg leak check. Shared by every test that needs video.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

export const SYSTEM_FFMPEG = '/usr/bin/ffmpeg';
export const SYSTEM_FFPROBE = '/usr/bin/ffprobe';
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SAMPLE_FACES = join(REPO_ROOT, 'assets/sample/faces.mp4');
export const SAMPLE_GROUP = join(REPO_ROOT, 'assets/sample/group.mp4');
export const PHOTOS_DIR = join(REPO_ROOT, 'assets/photos');

export function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr}`, { cause: error }))
        : resolve(stdout),
    );
  });
}

function ffmpeg(...args: string[]): Promise<string> {
  return run(SYSTEM_FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/** A temp folder; call `cleanup()` in `after`. */
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'auf-media-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A constant-rate H.264 clip (testsrc) `seconds` long at `fps`, `width`x`height`. */
export async function makeCfrClip(
  dir: string,
  options: { fps?: number; seconds?: number; width?: number; height?: number; name?: string } = {},
): Promise<string> {
  const { fps = 25, seconds = 2, width = 320, height = 240, name = 'cfr.mp4' } = options;
  const out = join(dir, name);
  await ffmpeg(
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${width}x${height}:rate=${fps}:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    out,
  );
  return out;
}

/** Variable frame rate: 20 frames 40 ms apart, then 10 frames 100 ms apart (pts 0..1700 ms). */
export const VFR_PTS_MS: readonly number[] = [
  ...Array.from({ length: 20 }, (_, n) => n * 40),
  ...Array.from({ length: 10 }, (_, n) => 800 + n * 100),
];
export async function makeVfrClip(dir: string): Promise<string> {
  const out = join(dir, 'vfr.mp4');
  await ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=320x240:rate=25',
    '-frames:v',
    '30',
    '-vf',
    "settb=1/1000,setpts='if(lt(N,20),N*0.04,0.8+(N-20)*0.1)/TB'",
    '-fps_mode',
    'vfr',
    '-enc_time_base',
    '1/1000',
    '-video_track_timescale',
    '1000',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    out,
  );
  return out;
}

/**
 * A 320x240 clip with a display matrix (a portrait phone video): ffmpeg 5.1 writes `rotate=90` as
 * a 90 degree counter-clockwise matrix, i.e. 270 clockwise (`probeMedia` rotation 270). Decodes to 240x320.
 */
export async function makeRotatedClip(dir: string): Promise<string> {
  const plain = await makeCfrClip(dir, { seconds: 1, name: 'unrotated.mp4' });
  const out = join(dir, 'rotated.mp4');
  await ffmpeg('-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', out);
  return out;
}

/** `faststart` clip of 60 frames cut at 60 % of its bytes: the first frames decode, then it breaks. */
export async function makeTruncatedMp4(dir: string): Promise<string> {
  const whole = await makeCfrClip(dir, { seconds: 2.4, fps: 25, name: 'whole.mp4' });
  const out = join(dir, 'truncated.mp4');
  const bytes = await readFile(whole);
  await writeFile(out, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  return out;
}

export async function makeZeroByteFile(dir: string): Promise<string> {
  const out = join(dir, 'empty.mp4');
  await writeFile(out, '');
  return out;
}

/** AAC audio in MP4, no video stream. */
export async function makeAudioOnly(dir: string): Promise<string> {
  const out = join(dir, 'audio.m4a');
  await ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', out);
  return out;
}

export async function makeTextAsMp4(dir: string): Promise<string> {
  const out = join(dir, 'notes.mp4');
  await writeFile(out, 'This is a text file, not a video.\n'.repeat(200));
  return out;
}

/**
 * A Matroska file whose CodecID `V_MPEG4/ISO/AVC` is patched to `V_QQQQQ/ISO/QQQ`: ffmpeg opens
 * it but has no decoder ("Decoder (codec none) not found"). (Patching an MP4 fourcc is not
 * enough: the mov demuxer probes the bitstream and decodes it anyway.)
 */
export async function makeUnsupportedCodec(dir: string): Promise<string> {
  const mp4 = await makeCfrClip(dir, { seconds: 1, name: 'h264.mp4' });
  const mkv = join(dir, 'h264.mkv');
  await ffmpeg('-i', mp4, '-c', 'copy', mkv);
  const bytes = await readFile(mkv);
  const at = bytes.indexOf('V_MPEG4/ISO/AVC');
  if (at < 0) throw new Error('no V_MPEG4/ISO/AVC codec id found');
  bytes.write('V_QQQQQ/ISO/QQQ', at, 'latin1');
  const out = join(dir, 'unknown-codec.mkv');
  await writeFile(out, bytes);
  return out;
}

/** Per-frame presentation times (ms from the stream start) and sizes by ffprobe. */
export async function ffprobeFrames(
  path: string,
): Promise<{ ptsMs: number[]; width: number; height: number }> {
  const out = await run(SYSTEM_FFPROBE, [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'frame=best_effort_timestamp_time,width,height:stream=start_time',
    '-of',
    'json',
    path,
  ]);
  const json = JSON.parse(out) as {
    frames: { best_effort_timestamp_time: string; width: number; height: number }[];
    streams: { start_time?: string }[];
  };
  const start = Number(json.streams[0]?.start_time ?? 0);
  const first = json.frames[0];
  return {
    ptsMs: json.frames.map((f) => Math.round((Number(f.best_effort_timestamp_time) - start) * 1e6) / 1e3),
    width: first?.width ?? 0,
    height: first?.height ?? 0,
  };
}

/** Live child processes of this process named ffmpeg or ffprobe (zombies included), from /proc. */
export async function ffmpegChildren(): Promise<{ pid: number; state: string }[]> {
  const found: { pid: number; state: string }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const text = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const match = /^\d+ \((.*)\) (\S) (\d+)/.exec(text);
    if (!match || Number(match[3]) !== process.pid) continue;
    if (match[1] === 'ffmpeg' || match[1] === 'ffprobe')
      found.push({ pid: Number(entry), state: match[2] ?? '?' });
  }
  return found;
}
export async function countFfmpegProcesses(): Promise<number> {
  return (await ffmpegChildren()).length;
}

/** Polls until no ffmpeg child is left (or `timeoutMs`); returns how many are left. */
export async function waitForNoFfmpeg(timeoutMs = 3000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const left = await countFfmpegProcesses();
    if (left === 0 || Date.now() > until) return left;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Call inside a `describe`: a temp folder made before its tests and removed after them, which
 * then also checks that no ffmpeg child process is left. Read `.dir` inside the tests.
 */
export function useTempMediaDir(): { readonly dir: string } {
  const state = { dir: '' };
  let cleanup: () => Promise<void> = async () => undefined;
  before(async () => {
    ({ dir: state.dir, cleanup } = await makeTempDir());
  });
  after(async () => {
    await cleanup();
    assert.equal(await waitForNoFfmpeg(), 0, 'no ffmpeg child left');
  });
  return state;
}

/**
 * Writes one 320x320 JPEG per `[photo, x, y, side]` (a face of assets/photos/sample<photo>.jpg
 * centred at x, y, side px tall, cut with a margin of one side all round) into `dir`, as
 * `face<photo>.jpg`: frames with one known face, for crop and landmark tests.
 */
export async function makeFaceFrames(
  dir: string,
  faces: readonly (readonly [number, number, number, number])[],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [photo, x, y, side] of faces) {
    const crop = `crop=${side * 3}:${side * 3}:${x - side}:${y - side},scale=320:320`;
    const input = join(PHOTOS_DIR, `sample${photo}.jpg`);
    await run(SYSTEM_FFMPEG, ['-v', 'error', '-i', input, '-vf', crop, join(dir, `face${photo}.jpg`)]);
  }
}
