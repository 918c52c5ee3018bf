/**
 * The 68-point subset of the mesh that OpenFace, dlib and Py-Feat users expect (iBUG 300-W
 * order: jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, lips 48-67). The map is derived by this
 * project from the mesh's geometry (deriveIbug68.ts explains how; a test re-derives it), not
 * fitted to 68-point annotations: points follow the same anatomy, but the jaw points in
 * particular sit where MediaPipe's face outline runs, which need not be where a 300-W annotator
 * would click.
 */
import type { Point3 } from '../types/landmarks.js';

/** `IBUG68_FROM_MESH[k]` is the mesh index of 68-point landmark k. */
export const IBUG68_FROM_MESH: readonly number[] = [
  // jaw 0-16
  127, 234, 93, 132, 58, 136, 150, 176, 152, 400, 379, 365, 288, 361, 323, 454, 356,
  // right brow 17-21, left brow 22-26
  70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
  // nose ridge 27-30, nostril base 31-35
  168, 197, 195, 4, 98, 97, 2, 326, 327,
  // right eye 36-41, left eye 42-47
  33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
  // outer lips 48-59, inner lips 60-67
  61, 40, 37, 0, 267, 270, 291, 321, 314, 17, 84, 91, 78, 81, 13, 311, 308, 402, 14, 178,
];

/** The 68-point landmarks of a 468-point mesh. */
export function toIbug68(points: readonly Point3[]): Point3[] {
  return IBUG68_FROM_MESH.map((i) => points[i] as Point3);
}
