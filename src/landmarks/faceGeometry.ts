/**
 * Eye and mouth geometry from the mesh: gaps between lid (or lip) points, averaged over three
 * point pairs, divided by the inter-ocular distance so they do not depend on the face's size in
 * the image. Distances are 3-D (x, y and the mesh's depth), which keeps them steadier under yaw.
 * Landmark geometry, not Action Units, and not FACS-validated: see docs/landmarks.md.
 */
import type { FaceGeometry, Point3 } from '../types/landmarks.js';
import { LEFT_EYE_CONTOUR, RIGHT_EYE_CONTOUR } from './meshContours.js';

/** Upper/lower point pairs of each eye's lids and of the inner lips (MediaPipe indices). */
const RIGHT_EYE_LIDS = [
  [160, 144],
  [159, 145],
  [158, 153],
] as const;
const LEFT_EYE_LIDS = [
  [385, 380],
  [386, 374],
  [387, 373],
] as const;
const INNER_LIPS = [
  [82, 87],
  [13, 14],
  [312, 317],
] as const;

function distance(a: Point3, b: Point3): number {
  return Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
}

/** Mean of the points at `indices`. */
export function centreOf(points: readonly Point3[], indices: readonly number[]): Point3 {
  let x = 0;
  let y = 0;
  let z = 0;
  for (const i of indices) {
    const p = points[i] as Point3;
    x += p.x;
    y += p.y;
    z += p.z;
  }
  return { x: x / indices.length, y: y / indices.length, z: z / indices.length };
}

function meanGap(points: readonly Point3[], pairs: readonly (readonly [number, number])[]): number {
  return (
    pairs.reduce((sum, [a, b]) => sum + distance(points[a] as Point3, points[b] as Point3), 0) / pairs.length
  );
}

/** Eye openness and mouth opening of one face's 468 mesh points. */
export function faceGeometry(points: readonly Point3[]): FaceGeometry {
  const interOcular = distance(centreOf(points, RIGHT_EYE_CONTOUR), centreOf(points, LEFT_EYE_CONTOUR));
  return {
    rightEyeOpenness: meanGap(points, RIGHT_EYE_LIDS) / interOcular,
    leftEyeOpenness: meanGap(points, LEFT_EYE_LIDS) / interOcular,
    mouthOpenness: meanGap(points, INNER_LIPS) / interOcular,
  };
}
