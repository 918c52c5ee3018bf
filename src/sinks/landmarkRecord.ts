/**
 * How file sinks write `landmarkFaces`' output: the mesh as compact `[x, y, z]` triples (the
 * 68-point subset by default, all 468 on request), pose in degrees and geometry ratios, rounded
 * per `DECIMALS` (pixels 0.1, degrees 0.01, ratios 1e-4). See docs/output-formats.md.
 */
import { IBUG68_FROM_MESH } from '../landmarks/ibug68.js';
import type { Point3 } from '../types/landmarks.js';
import type { AnalysisRecord, FaceResult } from '../types/result.js';
import { DECIMALS, roundTo } from './roundRecord.js';

/** 68 (OpenFace / iBUG order, the documented map) or all 468 mesh points (MediaPipe order). */
export type MeshPointCount = 68 | 468;

/** The `landmarks` object of a face in a JSONL file. */
export interface LandmarksRecord {
  readonly scheme: 'ibug68' | 'mediapipe468';
  readonly presence: number;
  /** `[x, y, z]` per point: frame pixels, and relative depth in the same units. */
  readonly points: readonly (readonly [number, number, number])[];
}

function faceForFile(
  face: FaceResult,
  count: MeshPointCount,
  round: boolean,
): FaceResult | Record<string, unknown> {
  const { landmarks, pose, geometry } = face;
  if (!landmarks && !pose && !geometry) return face;
  const r = (v: number, d: number): number => (round ? roundTo(v, d) : v);
  const px = DECIMALS.pixels;
  const picked =
    count === 68 ? IBUG68_FROM_MESH.map((i) => landmarks?.points[i] as Point3) : (landmarks?.points ?? []);
  const out: Record<string, unknown> = { ...face };
  if (landmarks) {
    out['landmarks'] = {
      scheme: count === 68 ? 'ibug68' : 'mediapipe468',
      presence: r(landmarks.presence, DECIMALS.probability),
      points: picked.map((p) => [r(p.x, px), r(p.y, px), r(p.z, px)]),
    } satisfies LandmarksRecord;
  }
  if (pose) {
    const d = DECIMALS.degrees;
    out['pose'] = { pitchDeg: r(pose.pitchDeg, d), yawDeg: r(pose.yawDeg, d), rollDeg: r(pose.rollDeg, d) };
  }
  if (geometry) {
    out['geometry'] = Object.fromEntries(Object.entries(geometry).map(([k, v]) => [k, r(v, DECIMALS.ratio)]));
  }
  return out;
}

/** `record` with each face's landmarks, pose and geometry in file form (a copy; others unchanged). */
export function landmarksForFile(
  record: AnalysisRecord,
  count: MeshPointCount,
  round: boolean,
): AnalysisRecord {
  if (record.type !== 'frame' || !record.faces.some((f) => f.landmarks || f.pose || f.geometry))
    return record;
  return { ...record, faces: record.faces.map((f) => faceForFile(f, count, round) as FaceResult) };
}
