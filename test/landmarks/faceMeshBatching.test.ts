/**
 * FaceMesh batches calls that wait together into one run (cross-frame, cross-stream), with the
 * same results as separate runs, and keeps its lifecycle errors typed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FaceDetector } from '../../src/detector/FaceDetector.js';
import { OptionError } from '../../src/errors.js';
import { FaceMesh } from '../../src/landmarks/FaceMesh.js';
import { roiFromDetection } from '../../src/landmarks/faceRoi.js';
import type { FaceRoi } from '../../src/types/landmarks.js';
import type { Frame } from '../../src/types/frame.js';
import { loadImage, photoPath } from '../detectorPhotos.js';

let frames: Frame[];
let rois: FaceRoi[][];

before(async () => {
  const detector = await FaceDetector.create({ model: 'back' });
  frames = [await loadImage(photoPath('sample3.jpg')), await loadImage(photoPath('sample6.jpg'))];
  rois = [];
  for (const f of frames) rois.push((await detector.detect(f)).map(roiFromDetection));
  await detector.dispose();
});

describe('FaceMesh batching', () => {
  let mesh: FaceMesh;
  before(async () => (mesh = await FaceMesh.create()));
  after(() => mesh.dispose());

  it('runs calls that arrive during a run together: 3 calls, 2 runs, same points as one call each', async () => {
    const alone = [
      await mesh.landmarks(frames[0] as Frame, rois[0] ?? []),
      await mesh.landmarks(frames[1] as Frame, rois[1] ?? []),
    ];
    const before = { ...mesh.stats };
    const together = await Promise.all([
      mesh.landmarks(frames[0] as Frame, rois[0] ?? []),
      mesh.landmarks(frames[1] as Frame, rois[1] ?? []),
      mesh.landmarks(frames[0] as Frame, (rois[0] ?? []).slice(0, 1)),
    ]);
    assert.equal(mesh.stats.runs - before.runs, 2, 'the first call runs alone, the other two together');
    assert.equal(mesh.stats.faces - before.faces, 3 + 4 + 1);
    for (const [i, meshes] of [together[0], together[1]].entries()) {
      assert.equal(meshes?.length, alone[i]?.length);
      meshes?.forEach((m, k) => {
        const ref = alone[i]?.[k];
        m.points.forEach((p, j) => assert.ok(Math.abs(p.x - (ref?.points[j]?.x ?? NaN)) < 1e-3));
      });
    }
    assert.deepEqual(together[2]?.[0]?.points[1], together[0]?.[0]?.points[1]);
  });

  it('splits waiting calls beyond maxBatch, answers an empty call at once, rejects a bad maxBatch', async () => {
    const small = await FaceMesh.create({ maxBatch: 4 });
    try {
      await small.landmarks(frames[0] as Frame, (rois[0] ?? []).slice(0, 1));
      const runs = small.stats.runs;
      await Promise.all([
        small.landmarks(frames[0] as Frame, (rois[0] ?? []).slice(0, 1)),
        small.landmarks(frames[0] as Frame, rois[0] ?? []), // 3 faces
        small.landmarks(frames[1] as Frame, rois[1] ?? []), // 4 faces: over 4 with the one before
      ]);
      assert.equal(small.stats.runs - runs, 3);
      assert.deepEqual(await small.landmarks(frames[0] as Frame, []), []);
    } finally {
      await small.dispose();
    }
    await assert.rejects(() => FaceMesh.create({ maxBatch: 0 }), OptionError);
    await assert.rejects(
      () => small.landmarks(frames[0] as Frame, rois[0] ?? []),
      /AUF_ERR_MODEL_DISPOSED|dispose/,
    );
  });
});
