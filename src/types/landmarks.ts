import type { Point } from './face.js';

/** A mesh point: `x`, `y` in frame pixels; `z` relative depth in the same pixel scale. */
export interface Point3 extends Point {
  /**
   * Depth relative to the face's centre plane, in frame-pixel units (as x and y): negative is
   * nearer the camera (MediaPipe's convention). Only differences between points are meaningful.
   */
  readonly z: number;
}

/**
 * The face's region of interest for the mesh, MediaPipe's convention: a square centred on the
 * face, rotated so the eye line is horizontal, 1.5x the face's size.
 */
export interface FaceRoi {
  /** Centre, in frame pixels. */
  readonly centerX: number;
  readonly centerY: number;
  /** Side of the square, in frame pixels. */
  readonly size: number;
  /** Rotation in radians that makes the eye line horizontal (clockwise in the image is positive). */
  readonly angle: number;
}

/** The 468-point face mesh of one face (MediaPipe Face Mesh, see docs/landmarks.md). */
export interface FaceLandmarks {
  /** 468 points in MediaPipe's index order, in frame pixels plus relative depth. */
  readonly points: readonly Point3[];
  /** Probability in [0, 1] that the region holds a face (the mesh model's presence output). */
  readonly presence: number;
  /** The region the mesh ran on. */
  readonly roi: FaceRoi;
}

/**
 * Head rotation in degrees, camera axes as OpenFace uses them (x right, y down, z away from
 * the camera; R = Rx(pitch) * Ry(yaw) * Rz(roll)); all zero for a face looking at the camera.
 */
export interface HeadPose {
  /** About x: positive when the head tilts down (chin towards the chest). */
  readonly pitchDeg: number;
  /** About y: positive when the nose turns towards the left of the image (the subject's right). */
  readonly yawDeg: number;
  /** About z: positive when the head is rotated clockwise in the image. */
  readonly rollDeg: number;
}

/**
 * Landmark geometry: distances between mesh points divided by the inter-ocular distance (the
 * distance between the two eye centres). Not Action Units and not FACS-validated.
 */
export interface FaceGeometry {
  /** Lid gap of the subject's right eye over the inter-ocular distance (about 0.06-0.1 open, under 0.03 shut). */
  readonly rightEyeOpenness: number;
  /** The same for the subject's left eye. */
  readonly leftEyeOpenness: number;
  /** Gap between the inner lips over the inter-ocular distance (0 closed). */
  readonly mouthOpenness: number;
}

/**
 * A blink of one track (from `detectBlinks`): both eyes' mean openness fell below the close
 * threshold and rose again above the open threshold. Landmark geometry, not an AU.
 */
export interface BlinkEvent {
  readonly type: 'blink';
  readonly sourceId: string;
  readonly trackId: number;
  /** `ptsMs` of the first and last closed frame (media time). */
  readonly startMs: number;
  readonly endMs: number;
  /** Lowest mean eye openness during the blink, as a fraction of the track's open level. */
  readonly minOpenFraction: number;
}
