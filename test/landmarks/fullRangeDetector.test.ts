/**
 * The full-range detector (`model: 'full'`, MediaPipe's 192x192, 2304 anchors; converted in
 * assets/facemesh): anchors, decoding, I/O discovery, letterboxing on real photos, and small
 * faces: the repo photos scaled to 25% inside a larger frame.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { anchorCount, blazeFaceAnchors, FULL_RANGE_LAYERS } from '../../src/detector/blazeFaceAnchors.js';
import { boxIou } from '../../src/detector/boxIou.js';
import { decodeDetections } from '../../src/detector/decodeDetections.js';
import { FaceDetector } from '../../src/detector/FaceDetector.js';
import type { Face } from '../../src/types/face.js';
import type { Frame } from '../../src/types/frame.js';
import { loadImage, photoPath } from '../detectorPhotos.js';

const README_COUNTS = [3, 3, 3, 4, 5, 4]; // assets/photos/README.md
let full: FaceDetector;
let front: FaceDetector;
let back: FaceDetector;
const photos: Frame[] = [];

before(async () => {
  full = await FaceDetector.create({ model: 'full' });
  front = await FaceDetector.create({ model: 'front' });
  back = await FaceDetector.create({ model: 'back' });
  for (let i = 1; i <= 6; i++) photos.push(await loadImage(photoPath(`sample${i}.jpg`)));
});
after(() => Promise.all([full, front, back].map((d) => d.dispose())));

/** `frame` shrunk by 4 (4x4 box filter) and centred on a grey `width` x `height` canvas. */
function quarterInCanvas(frame: Frame, width: number, height: number): Frame {
  const w = Math.floor(frame.width / 4);
  const h = Math.floor(frame.height / 4);
  const ox = Math.floor((width - w) / 2);
  const oy = Math.floor((height - h) / 2);
  const data = new Uint8Array(width * height * 3).fill(96);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let j = 0; j < 4; j++)
          for (let i = 0; i < 4; i++)
            sum += frame.data[((y * 4 + j) * frame.width + x * 4 + i) * 3 + c] as number;
        data[((y + oy) * width + x + ox) * 3 + c] = Math.round(sum / 16);
      }
    }
  }
  return { ...frame, width, height, data };
}

describe('full-range anchors and decoding', () => {
  it('has 2304 anchors on one 48x48 grid, row-major, one per cell', () => {
    const a = blazeFaceAnchors(FULL_RANGE_LAYERS);
    assert.equal(anchorCount(FULL_RANGE_LAYERS), 2304);
    assert.ok(Math.abs((a[0] as number) - 0.5 / 48) < 1e-7 && a[0] === a[1]);
    assert.ok(Math.abs((a[2 * 48 + 1] as number) - 1.5 / 48) < 1e-7); // anchor 48 starts row 1
    assert.ok(Math.abs((a[2 * 2303] as number) - 47.5 / 48) < 1e-7);
  });

  it('decodes a hand-built regressor vector on a 192-pixel input', () => {
    const scores = new Float32Array(2304).fill(-10);
    const regressors = new Float32Array(2304 * 16);
    const i = 48 * 10 + 20; // row 10, column 20: centre (20.5/48, 10.5/48) of 192 px = (82, 42)
    scores[i] = 3;
    regressors.set([2, -1, 24, 30, -5, -4, 5, -4, 0, 2, 0, 7, -11, 0, 11, 0], i * 16);
    const [f] = decodeDetections([{ scores, regressors }], blazeFaceAnchors(FULL_RANGE_LAYERS), 192, 0.5) as [
      Face,
    ];
    const near = (got: number | undefined, want: number): boolean => Math.abs((got ?? NaN) - want) < 1e-4;
    assert.ok(near(f.box.x, 82 + 2 - 12) && near(f.box.y, 42 - 1 - 15), JSON.stringify(f.box));
    assert.ok(near(f.box.width, 24) && near(f.box.height, 30));
    assert.ok(near(f.keypoints[3]?.x, 82) && near(f.keypoints[3]?.y, 49));
  });

  it("loads as a 192x192 detector, sharing FaceDetector's letterbox, decoding and weighted NMS", () => {
    assert.equal(full.inputSize, 192);
  });
});

describe('full-range detector on real photos', () => {
  it('finds every face of each full-size photo (README counts), each on a back-model face (IoU > 0.4: the models box faces differently)', async () => {
    for (const [i, photo] of photos.entries()) {
      const faces = await full.detect(photo);
      const reference = await back.detect(photo);
      assert.equal(faces.length, README_COUNTS[i], `sample${i + 1}: ${faces.length} faces`);
      for (const f of faces) {
        const best = Math.max(...reference.map((r) => boxIou(r.box, f.box)));
        assert.ok(best > 0.4, `sample${i + 1}: a full-range box matches no back-model box (IoU ${best})`);
      }
    }
  });

  it('finds faces ~50 px wide (photos at 25% in an 800x600 frame) where the front model finds none', async () => {
    let found = 0;
    for (const [i, photo] of photos.entries()) {
      const small = quarterInCanvas(photo, 800, 600);
      const faces = await full.detect(small);
      const reference = await back.detect(small);
      for (const f of faces) {
        assert.ok(f.box.width > 30 && f.box.width < 100, `box ${f.box.width} px`);
        assert.ok(
          reference.some((r) => boxIou(r.box, f.box) > 0.4),
          `sample${i + 1}: a full-range detection is no face`,
        );
      }
      found += faces.length;
      if ([0, 2].includes(i)) assert.equal(faces.length, README_COUNTS[i], `sample${i + 1}`);
      if ([0, 1, 2, 4].includes(i))
        assert.equal((await front.detect(small)).length, 0, `front on sample${i + 1}`);
    }
    assert.ok(found >= 19, `full-range found ${found} of 22 small faces`);
  });
});
