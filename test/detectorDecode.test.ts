/** Pure parts of the BlazeFace detector: anchors, decoding, weighted NMS, tiles, letterbox, options. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anchorCount, blazeFaceAnchors } from '../src/detector/blazeFaceAnchors.js';
import { decodeDetections, sigmoid } from '../src/detector/decodeDetections.js';
import { resolveFaceDetectorOptions } from '../src/detector/faceDetectorOptions.js';
import { letterbox, toFramePixels } from '../src/detector/letterbox.js';
import { planTiles } from '../src/detector/planTiles.js';
import { boxIou } from '../src/detector/boxIou.js';
import { weightedNms } from '../src/detector/weightedNms.js';
import { OptionError } from '../src/errors.js';
import type { Face } from '../src/types/face.js';
import type { Frame } from '../src/types/frame.js';

const near = (actual: number, expected: number, tol = 1e-4): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);

describe('blazeFaceAnchors', () => {
  it('has 896 anchors: 16x16x2 then 8x8x6, row-major, consecutive within a cell', () => {
    const a = blazeFaceAnchors();
    assert.equal(anchorCount(), 896);
    assert.equal(a.length, 896 * 2);
    assert.deepEqual([a[0], a[1], a[2], a[3]], [0.5 / 16, 0.5 / 16, 0.5 / 16, 0.5 / 16]); // cell (0,0) twice
    assert.deepEqual([a[4], a[5]], [1.5 / 16, 0.5 / 16]); // cell (1,0)
    near(a[2 * 32] as number, 0.5 / 16); // anchor 32 starts row 1
    near(a[2 * 32 + 1] as number, 1.5 / 16);
    near(a[2 * 511] as number, 15.5 / 16);
    near(a[2 * 512] as number, 0.5 / 8); // 8x8 layer
    near(a[2 * 518] as number, 1.5 / 8); // 6 anchors per cell
    near(a[2 * 895 + 1] as number, 7.5 / 8);
  });
});

describe('decodeDetections', () => {
  it('decodes a hand-built regressor vector relative to its anchor, in input pixels', () => {
    const anchors = blazeFaceAnchors();
    const scores = new Float32Array(512).fill(-10);
    const regressors = new Float32Array(512 * 16);
    const i = 16 * 3 * 2 + 5 * 2 + 1; // row 3, column 5, second anchor: centre (5.5/16, 3.5/16)
    scores[i] = 2;
    regressors.set([4, -2, 30, 40, -6, -5, 6, -5, 0, 2, 0, 8, -14, 0, 14, 0], i * 16);
    const layers = [
      { scores, regressors },
      { scores: new Float32Array(384).fill(-10), regressors: new Float32Array(384 * 16) },
    ];
    const faces = decodeDetections(layers, anchors, 128, 0.5);
    assert.equal(faces.length, 1);
    const f = faces[0] as Face;
    const ax = (5.5 / 16) * 128; // 44
    const ay = (3.5 / 16) * 128; // 28
    near(f.score, 1 / (1 + Math.exp(-2)));
    assert.deepEqual(f.box, { x: ax + 4 - 15, y: ay - 2 - 20, width: 30, height: 40 });
    assert.deepEqual(f.keypoints[0], { x: ax - 6, y: ay - 5 });
    assert.deepEqual(f.keypoints[3], { x: ax, y: ay + 8 });
    assert.deepEqual(f.keypoints[5], { x: ax + 14, y: ay });
  });

  it('uses the second layer for anchors 512..895 and honours minScore', () => {
    const s1 = new Float32Array(384).fill(-10);
    s1[383] = 0.1; // sigmoid 0.525
    const faces = decodeDetections(
      [
        { scores: new Float32Array(512).fill(-10), regressors: new Float32Array(512 * 16) },
        { scores: s1, regressors: new Float32Array(384 * 16) },
      ],
      blazeFaceAnchors(),
      256,
      0.5,
    );
    assert.equal(faces.length, 1);
    near((faces[0] as Face).box.x, (7.5 / 8) * 256);
    const none = decodeDetections(
      [{ scores: s1, regressors: new Float32Array(384 * 16) }],
      blazeFaceAnchors(),
      256,
      0.53,
    );
    assert.equal(none.length, 0);
    near(sigmoid(0), 0.5);
    assert.equal(sigmoid(1e6), 1);
  });
});

const face = (x: number, y: number, size: number, score: number): Face => ({
  box: { x, y, width: size, height: size },
  score,
  keypoints: [{ x: x + size / 2, y: y + size / 2 }],
});

describe('weightedNms', () => {
  it('blends overlapping boxes and keypoints by score and keeps the best score', () => {
    const out = weightedNms([face(10, 0, 100, 0.6), face(0, 0, 100, 0.9), face(500, 500, 50, 0.8)], {
      iouThreshold: 0.3,
      maxFaces: 8,
    });
    assert.equal(out.length, 2);
    const [a, b] = out as [Face, Face];
    assert.equal(a.score, 0.9);
    near(a.box.x, (0 * 0.9 + 10 * 0.6) / 1.5); // 4
    near(a.box.width, 100);
    near((a.keypoints[0] as { x: number }).x, 54);
    assert.deepEqual(b, face(500, 500, 50, 0.8));
  });

  it('keeps boxes at or below the IoU threshold apart and caps at maxFaces', () => {
    const a = face(0, 0, 100, 0.9);
    const b = face(70, 0, 100, 0.8); // IoU 30/170 = 0.176
    near(boxIou(a.box, b.box), 30 / 170);
    assert.equal(weightedNms([a, b], { iouThreshold: 0.3, maxFaces: 8 }).length, 2);
    assert.equal(weightedNms([a, b], { iouThreshold: 0.1, maxFaces: 8 }).length, 1);
    assert.deepEqual(weightedNms([b, a], { iouThreshold: 0.3, maxFaces: 1 }), [a]);
  });
});

describe('planTiles', () => {
  it('covers the frame with overlapping square tiles flush with the edges', () => {
    const tiles = planTiles(1920, 1080, 480, 0.5);
    assert.equal(tiles.length, 7 * 4);
    assert.deepEqual(tiles[0], { x: 0, y: 0, width: 480, height: 480 });
    assert.deepEqual(tiles.at(-1), { x: 1440, y: 600, width: 480, height: 480 });
    assert.deepEqual(planTiles(300, 200, 480, 0.5), [{ x: 0, y: 0, width: 300, height: 200 }]);
  });
});

describe('letterbox', () => {
  it('area-averages, pads black and maps detections back to frame pixels', () => {
    // 8x4 frame: left half red 255, right half 0; to a 4x4 input at scale 0.5, padded top and bottom.
    const data = new Uint8Array(8 * 4 * 3);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) data[(y * 8 + x) * 3] = 255;
    const frame: Frame = { sourceId: 't', index: 0, ptsMs: 0, capturedAtMs: 0, width: 8, height: 4, data };
    const input = new Float32Array(4 * 4 * 3).fill(9);
    const t = letterbox(frame, { x: 0, y: 0, width: 8, height: 4 }, 4, input);
    assert.deepEqual(t, { originX: 0, originY: 0, scale: 0.5, padX: 0, padY: 1 });
    assert.deepEqual([...input.subarray(0, 12)], new Array(12).fill(-1)); // padding row
    const row1 = [...input.subarray(12, 24)];
    assert.deepEqual(row1, [1, -1, -1, 1, -1, -1, -1, -1, -1, -1, -1, -1]);
    const back = toFramePixels(face(1, 1, 2, 0.9), t);
    assert.deepEqual(back.box, { x: 2, y: 0, width: 4, height: 4 });
    assert.deepEqual(back.keypoints[0], { x: 4, y: 2 });
  });

  it('beyond 4x, averages a 4x4 sample grid over each area: stripes blend, gradients keep their mean', () => {
    // 640x40 frame to 64 px (footprint 10): red in 5-px stripes (period 10), green a ramp over x.
    const [w, h] = [640, 40];
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        data[(y * w + x) * 3] = x % 10 < 5 ? 255 : 0;
        data[(y * w + x) * 3 + 1] = Math.floor((x * 255) / (w - 1));
      }
    const frame: Frame = { sourceId: 't', index: 0, ptsMs: 0, capturedAtMs: 0, width: w, height: h, data };
    const input = new Float32Array(64 * 64 * 3);
    letterbox(frame, { x: 0, y: 0, width: w, height: h }, 64, input);
    const row = 32 * 64 * 3; // an image row: 4 rows of image (30 to 33), the rest padding
    for (let u = 0; u < 64; u++) {
      const red = (input[row + u * 3]! + 1) * 127.5;
      assert.ok(Math.abs(red - 127.5) < 1e-3, `stripes average to grey, not 0 or 255 (u=${u}: ${red})`);
      const green = (input[row + u * 3 + 1]! + 1) * 127.5;
      const exact = (255 * (u * 10 + 4.5)) / (w - 1); // the ramp's mean over the 10 px under u
      assert.ok(Math.abs(green - exact) < 1.5, `u=${u}: ${green} vs ${exact}`);
    }
  });
});

describe('resolveFaceDetectorOptions', () => {
  it('fills defaults and names the invalid option', () => {
    const o = resolveFaceDetectorOptions({ tile: true });
    assert.deepEqual(
      { ...o, tile: o.tile },
      {
        model: 'front',
        minScore: 0.5,
        iouThreshold: 0.3,
        maxFaces: 8,
        tile: { size: 480, overlap: 0.5 },
        executionProviders: ['cpu'],
        intraOpThreads: 1,
      },
    );
    assert.throws(
      () => resolveFaceDetectorOptions({ minScore: 2 }),
      (e: unknown) => e instanceof OptionError && /'minScore'/.test(e.message),
    );
    assert.throws(() => resolveFaceDetectorOptions({ maxFaces: 0 }), /'maxFaces'/);
    assert.throws(() => resolveFaceDetectorOptions({ tile: { overlap: 0.95 } }), /'tile.overlap'/);
    assert.throws(() => resolveFaceDetectorOptions({ intraOpThreads: 0 }), /'intraOpThreads'/);
  });
});
