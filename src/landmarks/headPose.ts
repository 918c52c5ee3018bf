/**
 * Head pose from the 468-point mesh: a weighted Procrustes fit of MediaPipe's canonical face
 * model (with MediaPipe's own landmark weights) onto the mesh, under weak perspective (the mesh's
 * x, y are image pixels and its z is in the same scale). Only the rotation is reported: a metric
 * translation would need the camera's focal length, which a video file does not carry.
 *
 * Angles follow OpenFace's pose_Rx/Ry/Rz: camera axes x right, y down, z away from the camera,
 * R = Rx(pitch) * Ry(yaw) * Rz(roll). See `HeadPose` for the signs.
 */
import type { HeadPose, Point3 } from '../types/landmarks.js';
import { canonicalFaceModel } from './canonicalFaceModel.js';
import { procrustesRotation, type Matrix3 } from './procrustes.js';

const DEG = 180 / Math.PI;

/** Rotation (canonical face -> camera, OpenFace axes) of a face's mesh points. */
export function headRotation(points: readonly Point3[]): Matrix3 {
  const model = canonicalFaceModel();
  // Both sides in y-up, z-towards-viewer axes: the mesh's image y and depth are flipped.
  const from = model.poseIndices.map((i) => model.vertices[i] as Point3);
  const to = model.poseIndices.map((i) => {
    const p = points[i] as Point3;
    return { x: p.x, y: -p.y, z: -p.z };
  });
  const r = procrustesRotation(from, to, model.poseWeights);
  // To OpenFace's axes (y down, z away from the camera) on both sides: F R F, F = diag(1, -1, -1).
  return [r[0], -r[1], -r[2], -r[3], r[4], r[5], -r[6], r[7], r[8]];
}

/** Pitch, yaw and roll in degrees from a rotation R = Rx(pitch) * Ry(yaw) * Rz(roll). */
export function eulerFromRotation(r: Matrix3): HeadPose {
  const yaw = Math.asin(Math.max(-1, Math.min(1, r[2])));
  return {
    pitchDeg: Math.atan2(-r[5], r[8]) * DEG,
    yawDeg: yaw * DEG,
    rollDeg: Math.atan2(-r[1], r[0]) * DEG,
  };
}

/** The head pose of one face's mesh. */
export function headPose(points: readonly Point3[]): HeadPose {
  return eulerFromRotation(headRotation(points));
}
