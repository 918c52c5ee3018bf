/**
 * The CSV columns of `landmarkFaces`' output, after the AU columns: mesh presence, OpenFace's
 * `pose_Rx/Ry/Rz` (radians, OpenFace's axes and signs: see `HeadPose`), the geometry signals,
 * then OpenFace's 2-D 68-point columns `x_0..x_67`, `y_0..y_67` (frame pixels, from the mesh by
 * the documented 468 -> 68 map). Empty cells for faces without a mesh.
 */
import { IBUG68_FROM_MESH } from '../landmarks/ibug68.js';
import type { FaceResult } from '../types/result.js';

const RAD = Math.PI / 180;
const GEOMETRY = ['eye_openness_right', 'eye_openness_left', 'mouth_openness'] as const;

export const LANDMARK_COLUMNS: readonly string[] = [
  'landmark_presence',
  'pose_Rx',
  'pose_Ry',
  'pose_Rz',
  ...GEOMETRY,
  ...IBUG68_FROM_MESH.map((_, i) => `x_${i}`),
  ...IBUG68_FROM_MESH.map((_, i) => `y_${i}`),
];

/** OpenFace 2.2's names and order for what the mesh gives: `pose_Rx..Rz`, then `x_0..`, `y_0..`. */
export const OPENFACE_LANDMARK_COLUMNS: readonly string[] = [
  'pose_Rx',
  'pose_Ry',
  'pose_Rz',
  ...LANDMARK_COLUMNS.filter((c) => /^[xy]_\d+$/.test(c)),
];

/** The cells of `OPENFACE_LANDMARK_COLUMNS` for one face (a subset of `landmarkCells`). */
export function openFaceLandmarkCells(face: FaceResult, cell: Parameters<typeof landmarkCells>[1]): string[] {
  const all = landmarkCells(face, cell);
  return [...all.slice(1, 4), ...all.slice(LANDMARK_COLUMNS.length - 2 * IBUG68_FROM_MESH.length)];
}

/** The cells of `LANDMARK_COLUMNS` for one face, formatted by `cell(value, kind)`. */
export function landmarkCells(
  face: FaceResult,
  cell: (value: number | undefined, kind: 'probability' | 'radians' | 'ratio' | 'pixels') => string,
): string[] {
  const { landmarks, pose, geometry } = face;
  const points = IBUG68_FROM_MESH.map((i) => landmarks?.points[i]);
  return [
    cell(landmarks?.presence, 'probability'),
    cell(pose && pose.pitchDeg * RAD, 'radians'),
    cell(pose && pose.yawDeg * RAD, 'radians'),
    cell(pose && pose.rollDeg * RAD, 'radians'),
    cell(geometry?.rightEyeOpenness, 'ratio'),
    cell(geometry?.leftEyeOpenness, 'ratio'),
    cell(geometry?.mouthOpenness, 'ratio'),
    ...points.map((p) => cell(p?.x, 'pixels')),
    ...points.map((p) => cell(p?.y, 'pixels')),
  ];
}
