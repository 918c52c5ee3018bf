/** Test helper: decodes still images to RGB24 `Frame`s with the system ffmpeg (/usr/bin). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Frame } from '../src/types/frame.js';

const run = promisify(execFile);
const FFMPEG = '/usr/bin/ffmpeg';
const FFPROBE = '/usr/bin/ffprobe';

/** Absolute path of `assets/photos/<name>`. */
export function photoPath(name: string): string {
  return fileURLToPath(new URL(`../assets/photos/${name}`, import.meta.url));
}

/** Decodes `path` to one RGB24 frame; `hflip` mirrors it horizontally (done by ffmpeg). */
export async function loadImage(path: string, options: { hflip?: boolean } = {}): Promise<Frame> {
  const probe = await run(FFPROBE, [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height',
    '-of',
    'csv=p=0',
    path,
  ]);
  const [width, height] = probe.stdout.trim().split(',').map(Number) as [number, number];
  const filters = options.hflip ? ['-vf', 'hflip'] : [];
  const { stdout } = await run(
    FFMPEG,
    ['-v', 'error', '-i', path, ...filters, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  if (stdout.length !== width * height * 3)
    throw new Error(`ffmpeg gave ${stdout.length} bytes for ${width}x${height}`);
  return {
    sourceId: path,
    index: 0,
    ptsMs: 0,
    capturedAtMs: 0,
    width,
    height,
    data: new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.length),
  };
}

/** A synthetic frame: a smooth colour gradient plus seeded noise, no face anywhere. */
export function noiseFrame(width: number, height: number, seed = 1): Frame {
  const data = new Uint8Array(width * height * 3);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const px = Math.floor(i / 3);
    const base = ((px % width) / width) * 160 + (Math.floor(px / width) / height) * 60;
    data[i] = Math.min(255, Math.floor(base + (s >>> 24) / 8));
  }
  return { sourceId: 'noise', index: 0, ptsMs: 0, capturedAtMs: 0, width, height, data };
}
