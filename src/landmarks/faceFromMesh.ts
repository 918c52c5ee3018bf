/**
 * A `Face` built from a mesh alone, for frames where `detectEvery` skips the detector: the box
 * is the mesh's bounding box, the score its presence, and the six keypoints come from the mesh
 * in BlazeFace's order (eye-contour centres, nose tip, inner-lip centre, then the points of the
 * face outline nearest the ear tragions, 234 and 454).
 */
import type { Face } from '../types/face.js';
import type { FaceLandmarks, Point3 } from '../types/landmarks.js';
import { meshAlignmentPoints } from './meshKeypoints.js';

const RIGHT_TRAGION = 234;
const LEFT_TRAGION = 454;

export function faceFromMesh(landmarks: FaceLandmarks): Face {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of landmarks.points) {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  const ear = (i: number): { x: number; y: number } => {
    const p = landmarks.points[i] as Point3;
    return { x: p.x, y: p.y };
  };
  return {
    box: { x: minX, y: minY, width: maxX - minX, height: maxY - minY },
    score: landmarks.presence,
    keypoints: [...meshAlignmentPoints(landmarks.points), ear(RIGHT_TRAGION), ear(LEFT_TRAGION)],
  };
}
