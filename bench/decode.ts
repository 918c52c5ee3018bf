/**
 * Decoding throughput, frames/s, at 1280x720 (the sample looped to 540 frames) and 1920x1080
 * (the same clip upscaled into a temp file):
 * - `ffmpeg -f null`: ffmpeg decoding alone, no pixel conversion, no pipe;
 * - `ffmpeg rgb24 -f null`: decode + conversion to rgb24, no pipe;
 * - node reader (plain): a minimal Node reader counting the bytes of the rgb24 pipe;
 * - node reader (fromFile args): the same, with fromFile's exact command line (showinfo);
 * - fromFile: the SDK source (one Buffer per frame, showinfo pairing, leases).
 * Prints a table; `npm run bench` (bench/run.ts) prints the same rows for bench/RESULTS.md.
 *
 * Run: `node --import tsx bench/decode.ts [--ffmpeg /path/to/ffmpeg]`
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { lastValueFrom, reduce } from 'rxjs';
import { decodeArgs } from '../src/ffmpeg/ffmpegArgs.js';
import { describeBinary, resolveFfmpeg, type FfmpegBinary } from '../src/ffmpeg/resolveFfmpeg.js';
import { fromFile } from '../src/sources/fromFile.js';
import { CLIP_FRAMES, makeClips } from './lib/clips.js';
import { bestRates } from './lib/timing.js';

/** Runs `path args` to the end; returns frames seen (bytes / `frameBytes`, or the clip's count). */
function runProcess(path: string, args: readonly string[], frameBytes: number | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${path} exited ${code}`));
      resolve(frameBytes ? bytes / frameBytes : CLIP_FRAMES);
    });
  });
}

function countFromFile(clip: string, bin: FfmpegBinary): Promise<number> {
  return lastValueFrom(fromFile(clip, { ffmpegPath: bin.path }).pipe(reduce((n) => n + 1, 0)));
}

/** Best-of-`runs` frames/s (interleaved rounds) of each decoding stage on `clip`, in the order of the file comment. */
export async function measureDecode(
  clip: string,
  frameBytes: number,
  bin: FfmpegBinary,
  runs = 5,
): Promise<[string, number][]> {
  const common = ['-hide_banner', '-nostats', '-nostdin', '-i', clip, '-map', '0:v:0'];
  const rows: [string, () => Promise<number>][] = [
    ['ffmpeg -f null (decode only)', () => runProcess(bin.path, [...common, '-f', 'null', '-'], undefined)],
    [
      'ffmpeg rgb24 -f null',
      () => runProcess(bin.path, [...common, '-pix_fmt', 'rgb24', '-f', 'null', '-'], undefined),
    ],
    [
      'node reader, plain rgb24 pipe',
      () => runProcess(bin.path, [...common, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], frameBytes),
    ],
    ['node reader, fromFile args', () => runProcess(bin.path, decodeArgs(bin, clip), frameBytes)],
    ['fromFile', () => countFromFile(clip, bin)],
  ];
  // Interleaved rounds: a burst of load hits every row of a round, not just one.
  const rates = await bestRates(
    runs,
    rows.map(([, run]) => run),
    (frames, i) => {
      if (Math.round(frames) !== CLIP_FRAMES)
        throw new Error(`${rows[i]?.[0]}: ${frames} frames, expected ${CLIP_FRAMES}`);
    },
  );
  return rows.map(([name], i) => [name, rates[i] ?? NaN]);
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--ffmpeg');
  const binary = await resolveFfmpeg(flag > 0 ? process.argv[flag + 1] : undefined);
  const clips = makeClips();
  console.log(
    `ffmpeg: ${describeBinary(binary)} (${binary.source}); best of 5 interleaved rounds of ${CLIP_FRAMES} frames\n`,
  );
  try {
    for (const [label, clip, bytes] of [
      ['1280x720', clips.clip720, 1280 * 720 * 3],
      ['1920x1080', clips.clip1080, 1920 * 1080 * 3],
    ] as const) {
      const rows = await measureDecode(clip, bytes, binary);
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
  } finally {
    clips.remove();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
