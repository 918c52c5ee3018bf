/** Test helper: detection + mesh + pose + geometry on a frame, and face matching across edits. */
import type { FaceDetector } from '../../src/detector/FaceDetector.js';
import type { FaceMesh } from '../../src/landmarks/FaceMesh.js';
import { roiFromDetection } from '../../src/landmarks/faceRoi.js';
import { withLandmarks } from '../../src/operators/landmarkFaces.js';
import type { Face, Point } from '../../src/types/face.js';
import type { Frame } from '../../src/types/frame.js';

export async function meshFaces(detector: FaceDetector, mesh: FaceMesh, frame: Frame): Promise<Face[]> {
  const faces = await detector.detect(frame);
  const meshes = await mesh.landmarks(frame, faces.map(roiFromDetection));
  return faces.map((face, i) => withLandmarks(face, meshes[i] as NonNullable<(typeof meshes)[number]>, 0.5));
}

export function boxCentre(face: Face): Point {
  return { x: face.box.x + face.box.width / 2, y: face.box.y + face.box.height / 2 };
}

/** The face of `faces` whose box centre is nearest `at`, if within `within` pixels. */
export function faceNear(faces: readonly Face[], at: Point, within: number): Face | undefined {
  let best: Face | undefined;
  let bestDistance = within;
  for (const f of faces) {
    const c = boxCentre(f);
    const d = Math.hypot(c.x - at.x, c.y - at.y);
    if (d < bestDistance) [best, bestDistance] = [f, d];
  }
  return best;
}
