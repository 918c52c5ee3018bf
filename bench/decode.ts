/**
 * Decoding throughput, frames/s, at 1280x720 (the sample looped to 540 frames) and 1920x1080
 * (the same clip upscaled into a temp file):
 * - `ffmpeg -f null`: ffmpeg decoding alone, no pixel conversion, no pipe;
 * - `ffmpeg rgb24 -f null`: decode + conversion to rgb24, no pipe;
 * - node reader (plain): a minimal Node reader counting the bytes of the rgb24 pipe;
 * - node reader (fromFile args): the same, with fromFile's exact command line (showinfo);
 * - fromFile: the SDK source (one Buffer per frame, showinfo pairing, leases).
 * Prints a table; does not write bench/RESULTS.md.
 *
 * Run: `node --import tsx bench/decode.ts [--ffmpeg /path/to/ffmpeg]`
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, reduce } from 'rxjs';
import { decodeArgs } from '../src/ffmpeg/ffmpegArgs.js';
import { describeBinary, resolveFfmpeg, type FfmpegBinary } from '../src/ffmpeg/resolveFfmpeg.js';
import { fromFile } from '../src/sources/fromFile.js';

const flag = process.argv.indexOf('--ffmpeg');
const binary = await resolveFfmpeg(flag > 0 ? process.argv[flag + 1] : undefined);
const sample = fileURLToPath(new URL('../assets/sample/faces.mp4', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'auf-bench-decode-'));
const build = (args: string[]): void => void execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-y', ...args]);
const clip720 = join(dir, '720p.mp4');
const clip1080 = join(dir, '1080p.mp4');
build(['-stream_loop', '2', '-i', sample, '-c', 'copy', clip720]);
build([
  '-i',
  clip720,
  '-vf',
  'scale=1920:1080',
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-crf',
  '23',
  clip1080,
]);

function timeProcess(
  path: string,
  args: readonly string[],
  countBytes: number | undefined,
): Promise<{ frames: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${path} exited ${code}`));
      resolve({ frames: countBytes ? bytes / countBytes : 540, ms: performance.now() - started });
    });
  });
}

async function timeFromFile(clip: string): Promise<{ frames: number; ms: number }> {
  const started = performance.now();
  const frames = await lastValueFrom(
    fromFile(clip, { ffmpegPath: binary.path }).pipe(reduce((n) => n + 1, 0)),
  );
  return { frames, ms: performance.now() - started };
}

async function measure(clip: string, frameBytes: number, bin: FfmpegBinary): Promise<[string, number][]> {
  const common = ['-hide_banner', '-nostats', '-nostdin', '-i', clip, '-map', '0:v:0'];
  const rows: [string, () => Promise<{ frames: number; ms: number }>][] = [
    ['ffmpeg -f null (decode only)', () => timeProcess(bin.path, [...common, '-f', 'null', '-'], undefined)],
    [
      'ffmpeg rgb24 -f null',
      () => timeProcess(bin.path, [...common, '-pix_fmt', 'rgb24', '-f', 'null', '-'], undefined),
    ],
    [
      'node reader, plain rgb24 pipe',
      () => timeProcess(bin.path, [...common, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], frameBytes),
    ],
    ['node reader, fromFile args', () => timeProcess(bin.path, decodeArgs(bin, clip), frameBytes)],
    ['fromFile', () => timeFromFile(clip)],
  ];
  const out: [string, number][] = [];
  for (const [name, run] of rows) {
    let best = 0;
    for (let i = 0; i < 3; i += 1) {
      const { frames, ms } = await run();
      if (Math.round(frames) !== 540) throw new Error(`${name}: ${frames} frames, expected 540`);
      best = Math.max(best, (frames * 1000) / ms);
    }
    out.push([name, best]);
  }
  return out;
}

console.log(`ffmpeg: ${describeBinary(binary)} (${binary.source}); best of 3 runs of 540 frames\n`);
for (const [label, clip, bytes] of [
  ['1280x720', clip720, 1280 * 720 * 3],
  ['1920x1080', clip1080, 1920 * 1080 * 3],
] as const) {
  const rows = await measure(clip, bytes, binary);
  const nullFps = rows[0]?.[1] ?? 1;
  const readerFps = rows[2]?.[1] ?? 1;
  console.log(
    `${label}\n${'stage'.padEnd(32)} ${'frames/s'.padStart(9)} ${'vs null'.padStart(8)} ${'vs plain reader'.padStart(16)}`,
  );
  for (const [name, fps] of rows) {
    console.log(
      `${name.padEnd(32)} ${fps.toFixed(0).padStart(9)} ${(fps / nullFps).toFixed(2).padStart(8)} ${(fps / readerFps).toFixed(2).padStart(16)}`,
    );
  }
  console.log('');
}
rmSync(dir, { recursive: true, force: true });
