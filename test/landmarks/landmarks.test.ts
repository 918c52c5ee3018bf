/**
 * Face mesh, head pose and geometry on the real repo photos (assets/photos, faces ~150-250 px),
 * with the real BlazeFace (back) detector and the vendored mesh model.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FaceDetector } from '../../src/detector/FaceDetector.js';
import { centreOf } from '../../src/landmarks/faceGeometry.js';
import { FaceMesh } from '../../src/landmarks/FaceMesh.js';
import { roiTransform } from '../../src/landmarks/faceRoi.js';
import { applySimilarity } from '../../src/detector/similarity.js';
import { LEFT_EYE_CONTOUR, RIGHT_EYE_CONTOUR } from '../../src/landmarks/meshContours.js';
import type { Face } from '../../src/types/face.js';
import type { Point3 } from '../../src/types/landmarks.js';
import type { Frame } from '../../src/types/frame.js';
import { loadImage, photoPath } from '../detectorPhotos.js';
import { boxCentre, faceNear, meshFaces } from './landmarkPhotos.js';
import { rotateFrame } from './transformFrame.js';

let detector: FaceDetector;
let mesh: FaceMesh;
const photos = new Map<string, Frame>();
const detected = new Map<string, Face[]>();

before(async () => {
  detector = await FaceDetector.create({ model: 'back' });
  mesh = await FaceMesh.create();
  for (const name of ['sample1.jpg', 'sample3.jpg', 'sample4.jpg', 'sample6.jpg']) {
    const frame = await loadImage(photoPath(name));
    photos.set(name, frame);
    detected.set(name, await meshFaces(detector, mesh, frame));
  }
});
after(async () => {
  await detector.dispose();
  await mesh.dispose();
});

describe('face mesh on real photos', () => {
  it('gives 468 points inside the rotated ROI square, 90% inside the detector box grown by 10%', () => {
    let meshed = 0;
    for (const [name, faces] of detected) {
      for (const face of faces) {
        const landmarks = face.landmarks;
        assert.ok(landmarks, `${name}: face at ${face.box.x} has no mesh (presence too low)`);
        assert.equal(landmarks.points.length, 468);
        assert.ok(landmarks.presence > 0.9);
        const toCrop = roiTransform(landmarks.roi, 1);
        const { x, y, width: w, height: h } = face.box;
        let inBox = 0;
        for (const p of landmarks.points) {
          const q = applySimilarity(toCrop, p);
          assert.ok(
            q.x > 0 && q.x < 1 && q.y > 0 && q.y < 1,
            `${name}: point ${JSON.stringify(p)} outside the ROI`,
          );
          assert.ok(Number.isFinite(p.z));
          if (p.x > x - w / 10 && p.x < x + w * 1.1 && p.y > y - h / 10 && p.y < y + h * 1.1) inBox++;
        }
        assert.ok(inBox >= 0.9 * 468, `${name}: ${inBox} of 468 points in ${JSON.stringify(face.box)}`);
        meshed++;
      }
    }
    assert.equal(meshed, 14);
  });

  it("puts each eye contour's centre near BlazeFace's eye keypoint (within 10% of the box, 5% on average)", () => {
    const distances: number[] = [];
    for (const faces of detected.values()) {
      for (const face of faces) {
        const points = face.landmarks?.points ?? [];
        const pairs = [
          [centreOf(points, RIGHT_EYE_CONTOUR), face.keypoints[0]],
          [centreOf(points, LEFT_EYE_CONTOUR), face.keypoints[1]],
        ] as const;
        for (const [centre, keypoint] of pairs) {
          const d =
            Math.hypot(centre.x - (keypoint?.x ?? NaN), centre.y - (keypoint?.y ?? NaN)) / face.box.width;
          assert.ok(d < 0.1, `eye centre ${d * face.box.width} px from the keypoint`);
          distances.push(d);
        }
      }
    }
    const mean = distances.reduce((a, b) => a + b, 0) / distances.length;
    assert.ok(mean < 0.05, `mean distance ${mean} of the box width`);
  });
});

describe('head pose', () => {
  for (const degrees of [-30, -20, -10, 10, 20, 30]) {
    it(`sample3 rotated in-plane by ${degrees} deg: every face's roll changes by ${degrees} within 3 deg`, async () => {
      const frame = photos.get('sample3.jpg') as Frame;
      const faces = detected.get('sample3.jpg') as Face[];
      const rotated = await meshFaces(detector, mesh, rotateFrame(frame, degrees));
      const t = (degrees * Math.PI) / 180;
      for (const face of faces) {
        const c = boxCentre(face);
        const dx = c.x - frame.width / 2;
        const dy = c.y - frame.height / 2;
        const moved = {
          x: frame.width / 2 + Math.cos(t) * dx - Math.sin(t) * dy,
          y: frame.height / 2 + Math.sin(t) * dx + Math.cos(t) * dy,
        };
        const twin = faceNear(rotated, moved, face.box.width * 0.3);
        assert.ok(
          twin?.pose && face.pose,
          `face at ${Math.round(c.x)},${Math.round(c.y)} lost after rotating`,
        );
        const change = twin.pose.rollDeg - face.pose.rollDeg;
        assert.ok(Math.abs(change - degrees) <= 3, `roll changed by ${change}, want ${degrees}`);
      }
    });
  }

  for (const name of ['sample3.jpg', 'sample6.jpg']) {
    it(`${name} mirrored: yaw changes sign, same size within 3 deg; roll changes sign`, async () => {
      const frame = photos.get(name) as Frame;
      const mirrored = await meshFaces(detector, mesh, await loadImage(photoPath(name), { hflip: true }));
      for (const face of detected.get(name) as Face[]) {
        const c = boxCentre(face);
        const twin = faceNear(mirrored, { x: frame.width - c.x, y: c.y }, face.box.width * 0.3);
        assert.ok(twin?.pose && face.pose);
        assert.ok(Math.abs(face.pose.yawDeg) > 4, `yaw ${face.pose.yawDeg} too small to test the sign`);
        assert.equal(Math.sign(twin.pose.yawDeg), -Math.sign(face.pose.yawDeg));
        assert.ok(
          Math.abs(Math.abs(twin.pose.yawDeg) - Math.abs(face.pose.yawDeg)) <= 3,
          `yaw ${face.pose.yawDeg} vs ${twin.pose.yawDeg}`,
        );
        assert.ok(
          Math.abs(twin.pose.rollDeg + face.pose.rollDeg) <= 3,
          `roll ${face.pose.rollDeg} vs ${twin.pose.rollDeg}`,
        );
      }
    });
  }
});

describe('eye geometry', () => {
  /** Paints an eye's region with lid-coloured skin and a dark lash line: a drawn closed eye. */
  function closeEye(frame: Frame, face: Face, contour: readonly number[], skinPoint: number): Frame {
    const points = face.landmarks?.points ?? [];
    const eye = contour.map((i) => points[i] as Point3);
    const x0 = Math.round(Math.min(...eye.map((p) => p.x)) - 4);
    const x1 = Math.max(...eye.map((p) => p.x)) + 4;
    const y0 = Math.round(Math.min(...eye.map((p) => p.y)) - 6);
    const y1 = Math.max(...eye.map((p) => p.y)) + 4;
    const skin = points[skinPoint] as Point3;
    const s = (Math.round(skin.y) * frame.width + Math.round(skin.x)) * 3;
    const lash = (y0 + y1) / 2 + 2;
    const data = frame.data.slice();
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        for (let c = 0; c < 3; c++)
          data[(y * frame.width + x) * 3 + c] =
            (frame.data[s + c] as number) * (Math.abs(y - lash) < 1.5 ? 0.35 : 1);
      }
    }
    return { ...frame, data };
  }

  for (const name of ['sample3.jpg', 'sample6.jpg']) {
    it(`${name}: painting both eyes shut lowers every face's eye openness by at least 20%`, async () => {
      const faces = detected.get(name) as Face[];
      let frame = photos.get(name) as Frame;
      for (const face of faces) {
        frame = closeEye(closeEye(frame, face, RIGHT_EYE_CONTOUR, 101), face, LEFT_EYE_CONTOUR, 330);
      }
      const shut = await meshFaces(detector, mesh, frame);
      for (const face of faces) {
        const twin = faceNear(shut, boxCentre(face), face.box.width * 0.3);
        const before = face.geometry;
        const after = twin?.geometry;
        assert.ok(before && after, 'face lost after painting its eyes');
        const open = (before.rightEyeOpenness + before.leftEyeOpenness) / 2;
        const closed = (after.rightEyeOpenness + after.leftEyeOpenness) / 2;
        assert.ok(closed < 0.8 * open, `openness ${open} -> ${closed}`);
        assert.ok(Math.abs(after.mouthOpenness - before.mouthOpenness) < 0.05, 'the mouth did not change');
      }
    });
  }
});
