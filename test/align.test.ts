import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignmentTransform, warpToTensor } from '../src/detector/alignFace.js';
import { applySimilarity, estimateSimilarity, invertSimilarity } from '../src/detector/similarity.js';
import type { Face, Point, Similarity } from '../src/types/face.js';
import type { Frame } from '../src/types/frame.js';
import type { ModelCard } from '../src/types/model.js';

const card: ModelCard = {
  name: 'test',
  version: '0',
  auNames: ['AU01'],
  inputWidth: 64,
  inputHeight: 48,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  keypointSource: 'blazeface',
  alignmentTemplate: [
    { x: 22, y: 19 },
    { x: 42, y: 19 },
    { x: 32, y: 27 },
    { x: 32, y: 36 },
  ],
  thresholds: [0.5],
  trainingData: '',
  licence: '',
  description: '',
  untrained: true,
};

/** Frame -> crop: scale 0.4, rotated 20 degrees, shifted. */
const known: Similarity = (() => {
  const s = 0.4;
  const angle = (20 * Math.PI) / 180;
  return { a: s * Math.cos(angle), b: s * Math.sin(angle), tx: -30, ty: -12 };
})();

/** An RGB frame whose channels are affine in (x, y): bilinear sampling reproduces it exactly. */
function rampFrame(width: number, height: number): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = x;
      data[i + 1] = y;
      data[i + 2] = (x + y) >> 1;
    }
  }
  return { sourceId: 't', index: 0, ptsMs: 0, capturedAtMs: 0, width, height, data };
}

const close = (a: number, b: number, eps: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= eps, `${what}: ${a} vs ${b}`);

describe('similarity', () => {
  it('recovers a known transform from exact correspondences', () => {
    const from: Point[] = [
      { x: 10, y: 5 },
      { x: 80, y: 12 },
      { x: 40, y: 70 },
      { x: 33, y: 90 },
    ];
    const t = estimateSimilarity(
      from,
      from.map((p) => applySimilarity(known, p)),
    );
    for (const k of ['a', 'b', 'tx', 'ty'] as const) close(t[k], known[k], 1e-9, k);
  });

  it('inverts: T^-1(T(p)) = p', () => {
    const inv = invertSimilarity(known);
    const p = applySimilarity(inv, applySimilarity(known, { x: 123.4, y: -56.7 }));
    close(p.x, 123.4, 1e-9, 'x');
    close(p.y, -56.7, 1e-9, 'y');
  });

  it('rejects degenerate input', () => {
    assert.throws(() => estimateSimilarity([{ x: 1, y: 1 }], [{ x: 2, y: 2 }]), RangeError);
  });
});

describe('alignment round trip', () => {
  // Keypoints a face would have in the frame so that `known` maps them onto the template.
  const inv = invertSimilarity(known);
  const keypoints = [
    ...card.alignmentTemplate.map((p) => applySimilarity(inv, p)),
    { x: 0, y: 0 },
    { x: 0, y: 0 },
  ];
  const face: Face = { box: { x: 0, y: 0, width: 1, height: 1 }, score: 1, keypoints };

  it('alignmentTransform recovers the similarity from the face keypoints', () => {
    const t = alignmentTransform(face, card);
    for (const k of ['a', 'b', 'tx', 'ty'] as const) close(t[k], known[k], 1e-9, k);
  });

  it('warps each crop pixel from the frame position the inverse transform gives', () => {
    const frame = rampFrame(240, 200);
    const crop = warpToTensor(frame, alignmentTransform(face, card), card);
    const plane = card.inputWidth * card.inputHeight;
    let checked = 0;
    for (let v = 0; v < card.inputHeight; v += 5) {
      for (let u = 0; u < card.inputWidth; u += 7) {
        const src = applySimilarity(inv, { x: u + 0.5, y: v + 0.5 });
        const x = src.x - 0.5;
        const y = src.y - 0.5;
        if (x < 0 || y < 0 || x > frame.width - 1 || y > frame.height - 1) continue;
        const o = v * card.inputWidth + u;
        close(crop[o]! * 255, x, 1e-3, `R at ${u},${v}`);
        close(crop[o + plane]! * 255, y, 1e-3, `G at ${u},${v}`);
        checked++;
      }
    }
    assert.ok(checked > 40, `checked ${checked} pixels`);
  });

  it('applies mean/std and writes black outside the frame', () => {
    const frame = rampFrame(8, 8);
    const normCard = { ...card, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] } as const;
    const crop = warpToTensor(frame, { a: 1, b: 0, tx: 0, ty: 0 }, normCard);
    const plane = card.inputWidth * card.inputHeight;
    close(crop[3]!, (3 / 255 - 0.5) / 0.25, 1e-6, 'R inside');
    close(crop[2 * card.inputWidth + 1 + plane]!, (2 / 255 - 0.5) / 0.25, 1e-6, 'G inside');
    close(crop[40 * card.inputWidth + 60]!, -2, 1e-6, 'outside is black');
  });
});
