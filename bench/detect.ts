/**
 * Face detection throughput on 1280x720 frames (sample photos scaled by ffmpeg): detections/s
 * and faces/s for the front and back models, whole frame and tiled. Prints; does not write
 * bench/RESULTS.md.
 *
 * Run: `node --import tsx bench/detect.ts [iterations per photo, default 20]`
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FaceDetector } from '../src/detector/FaceDetector.js';
import type { FaceDetectorOptions } from '../src/detector/faceDetectorOptions.js';
import type { Frame } from '../src/types/frame.js';

const WIDTH = 1280;
const HEIGHT = 720;
const iterations = Number(process.argv[2] ?? 20);

function frame720(index: number): Frame {
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

const frames = [1, 2, 3, 4, 5, 6].map(frame720);
const configs: Record<string, FaceDetectorOptions> = {
  front: { model: 'front' },
  back: { model: 'back' },
  'front+tile': { model: 'front', tile: true, minScore: 0.75 },
};

console.log(`detect: ${WIDTH}x${HEIGHT}, ${frames.length} photos x ${iterations} iterations, CPU`);
for (const [name, options] of Object.entries(configs)) {
  const detector = await FaceDetector.create(options);
  for (const f of frames) await detector.detect(f); // warm-up
  let faces = 0;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) for (const f of frames) faces += (await detector.detect(f)).length;
  const seconds = (performance.now() - start) / 1000;
  const n = iterations * frames.length;
  console.log(
    `${name.padEnd(11)} ${(n / seconds).toFixed(1).padStart(7)} detections/s  ${(faces / seconds).toFixed(1).padStart(7)} faces/s  ${((seconds * 1000) / n).toFixed(2)} ms/frame  (${(faces / n).toFixed(2)} faces/frame)`,
  );
  await detector.dispose();
}
