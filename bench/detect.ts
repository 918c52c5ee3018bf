/**
 * Face detection throughput on 1280x720 frames (sample photos scaled by ffmpeg): detections/s
 * and faces/s for the front and back models, whole frame and tiled. `npm run bench`
 * (bench/run.ts) reports the default (front, whole frame) row.
 *
 * Run: `node --import tsx bench/detect.ts [iterations per photo, default 20]`
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FaceDetector } from '../src/detector/FaceDetector.js';
import type { FaceDetectorOptions } from '../src/detector/faceDetectorOptions.js';
import type { Frame } from '../src/types/frame.js';
import { perSecond, timed } from './lib/timing.js';

const WIDTH = 1280;
const HEIGHT = 720;

/** assets/photos/sample{index}.jpg scaled and cropped to 1280x720 rgb24. */
export function frame720(index: number): Frame {
  const path = fileURLToPath(new URL(`../assets/photos/sample${index}.jpg`, import.meta.url));
  const filter = `scale=${WIDTH}:${HEIGHT}:force_original_aspect_ratio=increase,crop=${WIDTH}:${HEIGHT}`;
  const data = execFileSync(
    '/usr/bin/ffmpeg',
    ['-v', 'error', '-i', path, '-vf', filter, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return {
    sourceId: path,
    index,
    ptsMs: 0,
    capturedAtMs: 0,
    width: WIDTH,
    height: HEIGHT,
    data: new Uint8Array(data),
  };
}

export interface DetectionRate {
  readonly detectionsPerSecond: number;
  readonly facesPerSecond: number;
  readonly msPerFrame: number;
  readonly facesPerFrame: number;
}

/** Detects faces in every frame `iterations` times after one warm-up pass. */
export async function detectionRate(
  options: FaceDetectorOptions,
  frames: readonly Frame[],
  iterations: number,
): Promise<DetectionRate> {
  const detector = await FaceDetector.create(options);
  try {
    for (const f of frames) await detector.detect(f); // warm-up
    const { value: faces, ms } = await timed(async () => {
      let found = 0;
      for (let i = 0; i < iterations; i++) for (const f of frames) found += (await detector.detect(f)).length;
      return found;
    });
    const n = iterations * frames.length;
    return {
      detectionsPerSecond: perSecond(n, ms),
      facesPerSecond: perSecond(faces, ms),
      msPerFrame: ms / n,
      facesPerFrame: faces / n,
    };
  } finally {
    await detector.dispose();
  }
}

async function main(): Promise<void> {
  const iterations = Number(process.argv[2] ?? 20);
  const frames = [1, 2, 3, 4, 5, 6].map(frame720);
  const configs: Record<string, FaceDetectorOptions> = {
    front: { model: 'front' },
    back: { model: 'back' },
    'front+tile': { model: 'front', tile: true, minScore: 0.75 },
  };
  console.log(`detect: ${WIDTH}x${HEIGHT}, ${frames.length} photos x ${iterations} iterations, CPU`);
  for (const [name, options] of Object.entries(configs)) {
    const r = await detectionRate(options, frames, iterations);
    console.log(
      `${name.padEnd(11)} ${r.detectionsPerSecond.toFixed(1).padStart(7)} detections/s  ${r.facesPerSecond.toFixed(1).padStart(7)} faces/s  ${r.msPerFrame.toFixed(2)} ms/frame  (${r.facesPerFrame.toFixed(2)} faces/frame)`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
