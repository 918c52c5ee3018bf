/**
 * Main-thread cost per face of getting an aligned crop into the model's input, the way the
 * pipeline did it before issue 6 item 1 and the way it does now, in one process (so load on a
 * shared machine hits both alike; the best of `--rounds` is kept):
 * - copy path (before): `warpToTensor` into a new 600 KB crop, `set` into the batch buffer, and
 *   `slice()` of the batch to transfer it to the onnxruntime worker;
 * - direct path (now): `warpToTensor` straight into the pooled batch tensor, transferred as is.
 *
 *   node --import tsx bench/hotPath.ts [--faces 256] [--batch 8] [--rounds 7]
 */
import { parseArgs } from 'node:util';
import { alignmentTransform, warpToTensor } from '../src/detector/alignFace.js';
import { DEFAULT_MODEL_PATH } from '../src/model/defaultModel.js';
import { readModelCard } from '../src/model/modelCard.js';
import type { Frame } from '../src/types/frame.js';

const { values } = parseArgs({
  options: {
    faces: { type: 'string', default: '256' },
    batch: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '7' },
  },
});
const faces = Number(values.faces);
const batch = Number(values.batch);
const rounds = Number(values.rounds);

const card = await readModelCard(DEFAULT_MODEL_PATH);
const cropLength = 3 * card.inputWidth * card.inputHeight;
const frame: Frame = {
  sourceId: 'bench',
  index: 0,
  ptsMs: 0,
  capturedAtMs: 0,
  width: 1280,
  height: 720,
  data: Uint8Array.from({ length: 1280 * 720 * 3 }, (_, i) => (i * 2654435761) >>> 24),
};
// A face of about 200 px, slightly rotated, as in the 720p sample.
const keypoints = card.alignmentTemplate.map((p) => ({
  x: 540 + p.x * 0.9 + p.y * 0.05,
  y: 200 + p.y * 0.9,
}));
const transform = alignmentTransform(
  { box: { x: 540, y: 200, width: 200, height: 200 }, score: 1, keypoints },
  card,
);

const tensor = new Float32Array(batch * cropLength);
let sink = 0;
const paths = {
  copy: (): void => {
    for (let i = 0; i < faces; i++) {
      const crop = warpToTensor(frame, transform, card);
      tensor.set(crop, (i % batch) * cropLength);
      if (i % batch === batch - 1) sink += tensor.slice().length;
    }
  },
  direct: (): void => {
    for (let i = 0; i < faces; i++) warpToTensor(frame, transform, card, tensor, (i % batch) * cropLength);
  },
};

const best: Record<string, number> = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(paths)) {
    const started = performance.now();
    run();
    const ms = performance.now() - started;
    best[name] = Math.min(best[name] ?? Infinity, ms);
  }
}

// Allocated per face: the crop, plus its share of the batch's slice() (not measured: by construction).
console.log(`| path | main-thread ms/face (best of ${rounds}) | MB allocated per face |`);
console.log('| ---- | ---: | ---: |');
for (const [name, ms] of Object.entries(best)) {
  const allocated = name === 'copy' ? (cropLength * 4 * (1 + 1 / batch)) / 1e6 : 0;
  console.log(`| ${name} | ${(ms / faces).toFixed(3)} | ${allocated.toFixed(2)} |`);
}
if (sink < 0) console.log(sink);
