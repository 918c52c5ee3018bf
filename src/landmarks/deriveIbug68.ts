/**
 * Derives the 468 -> 68 index map (the iBUG 300-W / OpenFace 68-point scheme) from the mesh's
 * own geometry, so the map is reproducible rather than copied: each group of the 68-point
 * scheme is a chain of the mesh (meshContours.ts) resampled at equal arc length on MediaPipe's
 * canonical face seen from the front (x, y), snapping to the chain's nearest vertex.
 *
 * - jaw 0-16: the part of the face outline below the outer eye corners, subject's right ear to
 *   left ear through the chin, 17 points;
 * - brows 17-21, 22-26: each brow's upper edge, 5 points, image left to right;
 * - nose 27-30: the ridge from between the eyes to the tip, 4 points; 31-35: the nostril base;
 * - eyes 36-41, 42-47: corners plus the lids at 1/3 and 2/3 (upper lid left to right, then the
 *   lower lid back), as the 68-point scheme places them;
 * - lips 48-59 (outer) and 60-67 (inner): from the right corner over the upper lip to the left
 *   corner, then back under the lower lip, 12 and 8 points.
 */
import type { Point3 } from '../types/landmarks.js';
import * as C from './meshContours.js';

/** `count` vertices of `chain` at equal steps of frontal (x, y) arc length, ends included. */
export function resampleChain(
  chain: readonly number[],
  count: number,
  vertices: readonly Point3[],
): number[] {
  const at = (i: number): Point3 => vertices[chain[i] as number] as Point3;
  const lengths = [0];
  for (let i = 1; i < chain.length; i++) {
    lengths.push((lengths[i - 1] as number) + Math.hypot(at(i).x - at(i - 1).x, at(i).y - at(i - 1).y));
  }
  const total = lengths[lengths.length - 1] as number;
  return Array.from({ length: count }, (_, j) => {
    const target = (total * j) / (count - 1);
    let best = 0;
    for (let i = 1; i < chain.length; i++) {
      if (Math.abs((lengths[i] as number) - target) < Math.abs((lengths[best] as number) - target)) best = i;
    }
    return chain[best] as number;
  });
}

/** The lower face outline (below the outer eye corners), from the subject's right side to the left. */
function jawChain(vertices: readonly Point3[]): number[] {
  const eyeY = Math.min(
    (vertices[C.RIGHT_EYE_OUTER_CORNER] as Point3).y,
    (vertices[C.LEFT_EYE_OUTER_CORNER] as Point3).y,
  );
  const oval = C.FACE_OVAL as readonly number[];
  const chin = oval.indexOf(152);
  // Walk both ways from the chin while below the eyes; the outline runs clockwise in the image.
  const below = (i: number): boolean =>
    (vertices[oval[(i + oval.length) % oval.length] as number] as Point3).y < eyeY;
  let start = chin;
  while (below(start + 1)) start++;
  let end = chin;
  while (below(end - 1)) end--;
  const chain: number[] = [];
  for (let i = start; i >= end; i--) chain.push(oval[(i + oval.length) % oval.length] as number);
  return chain;
}

/** `map[k]` is the mesh index of 68-point landmark k. */
export function deriveIbug68Map(vertices: readonly Point3[]): number[] {
  const r = (chain: readonly number[], n: number): number[] => resampleChain(chain, n, vertices);
  const middle = (chain: readonly number[], n: number): number[] => r(chain, n + 2).slice(1, -1);
  return [
    ...r(jawChain(vertices), 17),
    ...r(C.RIGHT_BROW, 5),
    ...r(C.LEFT_BROW, 5),
    ...r(C.NOSE_RIDGE, 4),
    ...r(C.NOSE_BASE, 5),
    ...r(C.RIGHT_EYE_UPPER, 4),
    ...middle(C.RIGHT_EYE_LOWER, 2),
    ...r(C.LEFT_EYE_UPPER, 4),
    ...middle(C.LEFT_EYE_LOWER, 2),
    ...r(C.OUTER_LIPS_UPPER, 7),
    ...middle(C.OUTER_LIPS_LOWER, 5),
    ...r(C.INNER_LIPS_UPPER, 5),
    ...middle(C.INNER_LIPS_LOWER, 3),
  ];
}
