import type { FaceGeometry, FaceLandmarks, HeadPose } from './landmarks.js';

/** A point in pixels of the frame (or of the crop, where stated). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** An axis-aligned box in pixels, top-left corner plus size. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * BlazeFace's six keypoints, in this order, named from the subject's point of view (so the
 * subject's right eye is on the left of an unmirrored image).
 */
export const KEYPOINT_NAMES = [
  'rightEye',
  'leftEye',
  'noseTip',
  'mouth',
  'rightEarTragion',
  'leftEarTragion',
] as const;
export type KeypointName = (typeof KEYPOINT_NAMES)[number];

/** A detected face. */
export interface Face {
  /** In frame pixels. */
  readonly box: Box;
  /** Detector confidence in [0, 1]. */
  readonly score: number;
  /** Six keypoints in frame pixels, in `KEYPOINT_NAMES` order. */
  readonly keypoints: readonly Point[];
  /** Stable per-person id within a source, set by `trackFaces`. */
  readonly trackId?: number;
  /** The 468-point mesh, set by `landmarkFaces`. */
  readonly landmarks?: FaceLandmarks;
  /** Head rotation from the mesh, set by `landmarkFaces`. */
  readonly pose?: HeadPose;
  /** Eye and mouth geometry from the mesh, set by `landmarkFaces`. */
  readonly geometry?: FaceGeometry;
}

/**
 * Similarity transform from frame pixels to crop pixels:
 * `x' = a*x - b*y + tx`, `y' = b*x + a*y + ty` (scale = hypot(a, b), angle = atan2(b, a)).
 */
export interface Similarity {
  readonly a: number;
  readonly b: number;
  readonly tx: number;
  readonly ty: number;
}
