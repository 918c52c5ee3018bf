/**
 * The face mesh's region of interest, MediaPipe's convention: a square around the face, rotated
 * so that the eye line is horizontal, 1.5x the face's size. From a detection it is built on the
 * box and the two eye keypoints; from a previous mesh (`detectEvery`) on the mesh's bounding
 * box and outer eye corners, as MediaPipe tracks a face between detections.
 */
import type { Face, Point, Similarity } from '../types/face.js';
import type { FaceRoi } from '../types/landmarks.js';

/** How much larger than the face box the region is (MediaPipe's RectTransformation). */
export const ROI_SCALE = 1.5;
/** Mesh indices of the outer eye corners: subject's right (image left), then left. */
export const RIGHT_EYE_OUTER = 33;
export const LEFT_EYE_OUTER = 263;

function eyeLineAngle(rightEye: Point, leftEye: Point): number {
  return Math.atan2(leftEye.y - rightEye.y, leftEye.x - rightEye.x);
}

/** The region for a detected face (BlazeFace keypoints 0 and 1 are the eyes). */
export function roiFromDetection(face: Face): FaceRoi {
  const { box, keypoints } = face;
  const [rightEye, leftEye] = keypoints as [Point, Point];
  return {
    centerX: box.x + box.width / 2,
    centerY: box.y + box.height / 2,
    size: Math.max(box.width, box.height) * ROI_SCALE,
    angle: eyeLineAngle(rightEye, leftEye),
  };
}

/** The region for the next frame from a face's mesh points (frame pixels). */
export function roiFromMesh(points: readonly Point[]): FaceRoi {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  return {
    centerX: (minX + maxX) / 2,
    centerY: (minY + maxY) / 2,
    size: Math.max(maxX - minX, maxY - minY) * ROI_SCALE,
    angle: eyeLineAngle(points[RIGHT_EYE_OUTER] as Point, points[LEFT_EYE_OUTER] as Point),
  };
}

/** Frame pixels -> crop pixels of a `cropSize` square crop of `roi` (rotated by -angle). */
export function roiTransform(roi: FaceRoi, cropSize: number): Similarity {
  const s = cropSize / roi.size;
  const a = s * Math.cos(roi.angle);
  const b = -s * Math.sin(roi.angle);
  const half = cropSize / 2;
  return {
    a,
    b,
    tx: half - (a * roi.centerX - b * roi.centerY),
    ty: half - (b * roi.centerX + a * roi.centerY),
  };
}
