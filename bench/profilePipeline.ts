/**
 * Profiling harness for the hot path: `node --cpu-prof --cpu-prof-dir=DIR --import tsx
 * bench/profilePipeline.ts [video]` runs the whole offline pipeline once on the tiny model.
 */
import { analyze } from '../src/index.js';

const input = process.argv[2] ?? 'assets/sample/faces.mp4';
const started = performance.now();
let frames = 0;
await new Promise<void>((resolve, reject) =>
  analyze(input).subscribe({ next: () => frames++, error: reject, complete: resolve }),
);
console.log(`${frames} frames in ${((performance.now() - started) / 1000).toFixed(1)} s`);
