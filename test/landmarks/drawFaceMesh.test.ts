/** drawFaceMesh: contours through the mesh points, pose axes from the nose tip. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawFaceMesh } from '../../src/landmarks/drawFaceMesh.js';
import { faceGeometry } from '../../src/landmarks/faceGeometry.js';
import { headPose } from '../../src/landmarks/headPose.js';
import { DRAWN_CONTOURS, NOSE_TIP } from '../../src/landmarks/meshContours.js';
import { createImage, type RgbImage } from '../../src/render/rgbImage.js';
import type { FaceResult } from '../../src/types/result.js';
import { posedCanonicalMesh } from './syntheticMesh.js';

function pixel(image: RgbImage, x: number, y: number): number[] {
  const i = (Math.round(y) * image.width + Math.round(x)) * 3;
  return [...image.data.subarray(i, i + 3)];
}

function face(points: ReturnType<typeof posedCanonicalMesh>, withPose: boolean): FaceResult {
  return {
    trackId: 1,
    box: { x: 0, y: 0, width: 1, height: 1 },
    score: 1,
    keypoints: [],
    aus: {},
    landmarks: { points, presence: 1, roi: { centerX: 320, centerY: 240, size: 300, angle: 0 } },
    ...(withPose ? { pose: headPose(points), geometry: faceGeometry(points) } : {}),
  };
}

describe('drawFaceMesh', () => {
  it('draws every contour vertex in the mesh colour and nothing for a face without a mesh', () => {
    const points = posedCanonicalMesh(0, 0, 0);
    const image = createImage(640, 480);
    drawFaceMesh(image, face(points, false), 1);
    for (const chain of DRAWN_CONTOURS) {
      for (const i of chain)
        assert.deepEqual(pixel(image, points[i]?.x ?? 0, points[i]?.y ?? 0), [235, 235, 235]);
    }
    const blank = createImage(64, 48);
    drawFaceMesh(blank, { ...face(points, false), landmarks: undefined } as FaceResult, 1);
    assert.ok(blank.data.every((v) => v === 0));
  });

  it('draws the pose axes from the nose tip: x red to the image right, y green down for a frontal face', () => {
    const points = posedCanonicalMesh(0, 0, 0);
    const image = createImage(640, 480);
    drawFaceMesh(image, face(points, true), 1);
    const tip = points[NOSE_TIP] as { x: number; y: number };
    // Inter-ocular distance of the canonical face at 20 px/cm is about 120 px: probe 100 px out.
    assert.deepEqual(pixel(image, tip.x + 100, tip.y), [230, 40, 40]);
    assert.deepEqual(pixel(image, tip.x, tip.y + 100), [40, 210, 60]);
  });
});
