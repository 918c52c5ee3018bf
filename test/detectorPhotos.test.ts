/**
 * FaceDetector with real onnxruntime-node and the vendored BlazeFace models on the sample
 * photos (assets/photos, 1920 px wide, faces ~150-250 px; counts from its README).
 */
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FaceDetector } from '../src/detector/FaceDetector.js';
import { ModelError } from '../src/errors.js';
import type { Face } from '../src/types/face.js';
import type { Frame } from '../src/types/frame.js';
import { loadImage, noiseFrame, photoPath } from './detectorPhotos.js';

const EXPECTED = [3, 3, 3, 4, 5, 4]; // assets/photos/README.md, by eye
const photos: Frame[] = [];

before(async () => {
  for (let i = 1; i <= 6; i++) photos.push(await loadImage(photoPath(`sample${i}.jpg`)));
});

function checkGeometry(faces: readonly Face[], frame: Frame): void {
  for (const f of faces) {
    const { x, y, width, height } = f.box;
    assert.ok(
      width >= 100 && width <= 320 && height >= 100 && height <= 320,
      `implausible box ${width}x${height}`,
    );
    assert.ok(x >= 0 && y >= 0 && x + width <= frame.width && y + height <= frame.height);
    assert.equal(f.keypoints.length, 6);
    // Eyes, nose and mouth lie inside the box (ears may stick out on turned heads).
    for (const p of f.keypoints.slice(0, 4)) {
      assert.ok(
        p.x >= x && p.x <= x + width && p.y >= y && p.y <= y + height,
        `keypoint ${JSON.stringify(p)} outside ${JSON.stringify(f.box)}`,
      );
    }
    const [rEye, lEye, , mouth] = f.keypoints as [
      Face['keypoints'][0],
      Face['keypoints'][0],
      unknown,
      Face['keypoints'][0],
    ];
    assert.ok(Math.max(rEye.y, lEye.y) < mouth.y, 'eyes above the mouth');
  }
}

describe('FaceDetector on sample photos', () => {
  const detectors: Record<string, FaceDetector> = {};
  before(async () => {
    detectors.back = await FaceDetector.create({ model: 'back' });
    detectors.frontTiled = await FaceDetector.create({ model: 'front', tile: true, minScore: 0.75 });
    detectors.front = await FaceDetector.create({ model: 'front' });
  });
  after(async () => {
    for (const d of Object.values(detectors)) await d.dispose();
  });

  it("finds exactly the README counts with { model: 'back' } (whole frame)", async () => {
    const d = detectors.back as FaceDetector;
    assert.equal(d.inputSize, 256);
    const counts = [];
    for (const frame of photos) {
      const faces = await d.detect(frame);
      checkGeometry(faces, frame);
      counts.push(faces.length);
    }
    assert.deepEqual(counts, EXPECTED);
  });

  it("finds exactly the README counts with { model: 'front', tile: true, minScore: 0.75 }", async () => {
    const d = detectors.frontTiled as FaceDetector;
    const counts = [];
    for (const frame of photos) {
      const faces = await d.detect(frame);
      checkGeometry(faces, frame);
      counts.push(faces.length);
    }
    assert.deepEqual(counts, EXPECTED);
  });

  it('the two configurations agree on where the faces are', async () => {
    for (const frame of photos) {
      const a = await (detectors.back as FaceDetector).detect(frame);
      const b = await (detectors.frontTiled as FaceDetector).detect(frame);
      for (const f of a) {
        const cx = f.box.x + f.box.width / 2;
        const cy = f.box.y + f.box.height / 2;
        const match = b.some(
          (g) =>
            Math.hypot(g.box.x + g.box.width / 2 - cx, g.box.y + g.box.height / 2 - cy) < 0.25 * f.box.width,
        );
        assert.ok(match, `face at ${cx},${cy} of ${frame.sourceId} not found by the tiled front model`);
      }
    }
  });

  it('gives mirrored boxes on a horizontally flipped photo', async () => {
    const d = detectors.back as FaceDetector;
    const frame = photos[3] as Frame;
    const flipped = await loadImage(photoPath('sample4.jpg'), { hflip: true });
    const a = await d.detect(frame);
    const b = await d.detect(flipped);
    assert.equal(b.length, a.length);
    for (const f of a) {
      const mirroredCx = frame.width - (f.box.x + f.box.width / 2);
      const cy = f.box.y + f.box.height / 2;
      const g = b.find(
        (h) => Math.hypot(h.box.x + h.box.width / 2 - mirroredCx, h.box.y + h.box.height / 2 - cy) < 20,
      );
      assert.ok(g, `no mirrored box for ${JSON.stringify(f.box)}`);
      // BlazeFace is not exactly flip-equivariant: centres agree within ~5% of the box (<= 9 px here), sizes within ~6%.
      assert.ok(
        Math.abs(g.box.x + g.box.width / 2 - mirroredCx) < 0.06 * f.box.width,
        `${JSON.stringify(g.box)} vs mirror of ${JSON.stringify(f.box)}`,
      );
      assert.ok(Math.abs(g.box.width / f.box.width - 1) < 0.08);
      // Keypoints are named from the subject's view, so the eyes swap in the mirror image.
      const [rEye, lEye] = f.keypoints as [Face['keypoints'][0], Face['keypoints'][0]];
      const [gr, gl] = g.keypoints as [Face['keypoints'][0], Face['keypoints'][0]];
      const tol = 0.08 * f.box.width;
      assert.ok(
        Math.abs(gr.x - (frame.width - lEye.x)) < tol && Math.abs(gr.y - lEye.y) < tol,
        'right eye mirrors left eye',
      );
      assert.ok(
        Math.abs(gl.x - (frame.width - rEye.x)) < tol && Math.abs(gl.y - rEye.y) < tol,
        'left eye mirrors right eye',
      );
    }
  });

  it('finds no face in noise or gradients, with either model', async () => {
    for (const d of Object.values(detectors)) {
      assert.deepEqual(await d.detect(noiseFrame(1280, 720, 7)), []);
      assert.deepEqual(await d.detect(noiseFrame(640, 480, 3)), []);
    }
  });

  it('caps at maxFaces, best first', async () => {
    const d = await FaceDetector.create({ model: 'back', maxFaces: 2 });
    try {
      const all = await (detectors.back as FaceDetector).detect(photos[4] as Frame);
      const two = await d.detect(photos[4] as Frame);
      assert.equal(two.length, 2);
      assert.deepEqual(
        two.map((f) => f.score),
        all.slice(0, 2).map((f) => f.score),
      );
    } finally {
      await d.dispose();
    }
  });
});

describe('FaceDetector errors', () => {
  it('a missing file is AUF_ERR_MODEL_LOAD, a non-BlazeFace ONNX is AUF_ERR_MODEL_SHAPE', async () => {
    await assert.rejects(
      FaceDetector.create({ model: '/nonexistent/blazeface.onnx' }),
      (e: unknown) => e instanceof ModelError && e.code === 'AUF_ERR_MODEL_LOAD',
    );
    const dir = await mkdtemp(join(tmpdir(), 'auf-detector-'));
    try {
      const path = join(dir, 'identity.onnx');
      await writeFile(path, identityModel());
      await assert.rejects(
        FaceDetector.create({ model: path }),
        (e: unknown) =>
          e instanceof ModelError &&
          e.code === 'AUF_ERR_MODEL_SHAPE' &&
          /not a BlazeFace detector.*\[1, 4\]/.test(e.message),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects detect() after dispose() with AUF_ERR_MODEL_DISPOSED', async () => {
    const d = await FaceDetector.create();
    await d.dispose();
    await assert.rejects(
      d.detect(noiseFrame(64, 64)),
      (e: unknown) => e instanceof ModelError && e.code === 'AUF_ERR_MODEL_DISPOSED',
    );
  });
});

/** A valid ONNX model (Identity, float [1,4] -> [1,4]) encoded by hand: loads, but is not BlazeFace. */
function identityModel(): Uint8Array {
  const varint = (n: number): number[] => {
    const out: number[] = [];
    while (n > 127) {
      out.push((n & 127) | 128);
      n >>>= 7;
    }
    return [...out, n];
  };
  const num = (field: number, n: number): number[] => [field << 3, ...varint(n)];
  const bytes = (field: number, b: number[]): number[] => [(field << 3) | 2, ...varint(b.length), ...b];
  const str = (field: number, s: string): number[] => bytes(field, [...Buffer.from(s)]);
  const dim = (n: number): number[] => bytes(1, num(1, n));
  const valueInfo = (name: string): number[] => [
    ...str(1, name),
    ...bytes(2, bytes(1, [...num(1, 1), ...bytes(2, [...dim(1), ...dim(4)])])),
  ];
  const node = [...str(1, 'x'), ...str(2, 'y'), ...str(4, 'Identity')];
  const graph = [
    ...bytes(1, node),
    ...str(2, 'g'),
    ...bytes(11, valueInfo('x')),
    ...bytes(12, valueInfo('y')),
  ];
  return Uint8Array.from([...num(1, 8), ...bytes(7, graph), ...bytes(8, num(2, 13))]);
}
