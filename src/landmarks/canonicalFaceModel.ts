/**
 * MediaPipe's canonical face model (assets/facemesh/canonical_face_model.json): 468 vertices in
 * centimetres (x right, y up, z towards the viewer) and the landmark weights of MediaPipe's
 * Procrustes head-pose fit. Read once, on first use.
 */
import { readFileSync } from 'node:fs';
import type { Point3 } from '../types/landmarks.js';
import { CANONICAL_FACE_MODEL } from './faceMeshAssets.js';

export interface CanonicalFaceModel {
  readonly vertices: readonly Point3[];
  readonly triangles: readonly (readonly [number, number, number])[];
  /** Landmark indices of the Procrustes fit and their weights (same order). */
  readonly poseIndices: readonly number[];
  readonly poseWeights: readonly number[];
}

interface CanonicalJson {
  readonly vertices: readonly (readonly [number, number, number])[];
  readonly triangles: readonly (readonly [number, number, number])[];
  readonly procrustes_weights: readonly (readonly [number, number])[];
}

let cached: CanonicalFaceModel | undefined;

export function canonicalFaceModel(): CanonicalFaceModel {
  if (cached) return cached;
  const json = JSON.parse(readFileSync(CANONICAL_FACE_MODEL, 'utf8')) as CanonicalJson;
  cached = {
    vertices: json.vertices.map(([x, y, z]) => ({ x, y, z })),
    triangles: json.triangles,
    poseIndices: json.procrustes_weights.map(([i]) => i),
    poseWeights: json.procrustes_weights.map(([, w]) => w),
  };
  return cached;
}
