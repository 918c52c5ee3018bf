/**
 * detectWithMesh (`detectEvery`) on the moving sample clip, against detecting on every frame:
 * same track ids, landmarks within tolerance, and the detector run as often as stated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, toArray } from 'rxjs';
import { FaceDetector } from '../../src/detector/FaceDetector.js';
import { OptionError } from '../../src/errors.js';
import { FaceMesh } from '../../src/landmarks/FaceMesh.js';
import { detectFaces } from '../../src/operators/detectFaces.js';
import { detectWithMesh } from '../../src/operators/detectWithMesh.js';
import { landmarkFaces } from '../../src/operators/landmarkFaces.js';
import { trackFaces } from '../../src/operators/trackFaces.js';
import { fromFile } from '../../src/sources/fromFile.js';
import type { Frame } from '../../src/types/frame.js';
import type { FrameFaces } from '../../src/types/pipeline.js';

const CLIP = fileURLToPath(new URL('../../assets/sample/faces.mp4', import.meta.url));
const SOURCE = { fps: 10, endMs: 4000 } as const; // 40 frames of a face moving across the frame
let detector: FaceDetector;
let mesh: FaceMesh;
let detections = 0;

before(async () => {
  detector = await FaceDetector.create();
  mesh = await FaceMesh.create();
  // Counts real detector runs (the detector itself is unchanged).
  const detect = detector.detect.bind(detector);
  detector.detect = (frame: Frame) => {
    detections++;
    return detect(frame);
  };
});
after(async () => {
  await detector.dispose();
  await mesh.dispose();
});

async function everyFrame(): Promise<FrameFaces[]> {
  return lastValueFrom(
    fromFile(CLIP, SOURCE).pipe(detectFaces(detector), trackFaces(), landmarkFaces({ mesh }), toArray()),
  );
}

async function every(n: number): Promise<FrameFaces[]> {
  return lastValueFrom(
    fromFile(CLIP, SOURCE).pipe(detectWithMesh({ detector, mesh, detectEvery: n }), trackFaces(), toArray()),
  );
}

describe('detectEvery', () => {
  it('detects on frames 0, 5, 10, ... only, keeps the track ids and stays within 4% of the face width of every-frame landmarks', async () => {
    detections = 0;
    const reference = await everyFrame();
    assert.equal(detections, 40);
    detections = 0;
    const sparse = await every(5);
    assert.equal(sparse.length, 40);
    assert.equal(detections, 8, 'one detection per 5 frames, no face lost in between');
    const errors: number[] = [];
    for (const [i, { faces }] of sparse.entries()) {
      const ref = reference[i]?.faces ?? [];
      assert.equal(faces.length, ref.length, `frame ${i}`);
      assert.deepEqual(
        faces.map((f) => f.trackId),
        ref.map((f) => f.trackId),
        `frame ${i}: track ids`,
      );
      for (const [k, face] of faces.entries()) {
        const a = face.landmarks?.points ?? [];
        const b = ref[k]?.landmarks?.points ?? [];
        assert.equal(a.length, 468);
        const width = ref[k]?.box.width ?? 1;
        const mean =
          a.reduce((s, p, j) => s + Math.hypot(p.x - (b[j]?.x ?? NaN), p.y - (b[j]?.y ?? NaN)), 0) / a.length;
        errors.push(mean / width);
        assert.ok(face.pose && face.geometry);
      }
    }
    const worst = Math.max(...errors);
    assert.ok(worst < 0.04, `mean landmark distance up to ${(worst * 100).toFixed(2)}% of the face width`);
  });

  it('with detectEvery 1 runs the detector on every frame; rejects a bad detectEvery', async () => {
    detections = 0;
    const out = await lastValueFrom(
      fromFile(CLIP, { fps: 5, endMs: 2000 }).pipe(
        detectWithMesh({ detector, mesh, detectEvery: 1 }),
        toArray(),
      ),
    );
    assert.equal(detections, out.length);
    assert.throws(() => detectWithMesh({ detectEvery: 0 }), OptionError);
    assert.throws(() => detectWithMesh({ detectEvery: 2.5 }), OptionError);
  });
});
