/**
 * Weighted 3-D Procrustes rotation (Horn's quaternion method): the rotation R that best maps
 * `from` onto `to` (after removing weighted centroids), maximising sum w_i to_i . R from_i.
 * No SVD library: the best quaternion is the top eigenvector of a symmetric 4x4 matrix, found
 * with Jacobi rotations.
 */
import type { Point3 } from '../types/landmarks.js';

/** A 3x3 rotation matrix, row-major. */
export type Matrix3 = readonly [number, number, number, number, number, number, number, number, number];

function centroid(points: readonly Point3[], weights: readonly number[]): Point3 {
  let x = 0;
  let y = 0;
  let z = 0;
  let sum = 0;
  points.forEach((p, i) => {
    const w = weights[i] as number;
    x += w * p.x;
    y += w * p.y;
    z += w * p.z;
    sum += w;
  });
  return { x: x / sum, y: y / sum, z: z / sum };
}

/** The rotation taking `from[i]` (weighted by `weights[i]`) closest to `to[i]`. */
export function procrustesRotation(
  from: readonly Point3[],
  to: readonly Point3[],
  weights: readonly number[],
): Matrix3 {
  const cf = centroid(from, weights);
  const ct = centroid(to, weights);
  const s = new Float64Array(9); // S[a][b] = sum w * from_a * to_b
  from.forEach((p, i) => {
    const w = weights[i] as number;
    const q = to[i] as Point3;
    const a = [p.x - cf.x, p.y - cf.y, p.z - cf.z];
    const b = [q.x - ct.x, q.y - ct.y, q.z - ct.z];
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++)
        s[r * 3 + c] = (s[r * 3 + c] as number) + w * (a[r] as number) * (b[c] as number);
  });
  const [xx, xy, xz, yx, yy, yz, zx, zy, zz] = [...s] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const n = [
    [xx + yy + zz, yz - zy, zx - xz, xy - yx],
    [yz - zy, xx - yy - zz, xy + yx, zx + xz],
    [zx - xz, xy + yx, -xx + yy - zz, yz + zy],
    [xy - yx, zx + xz, yz + zy, -xx - yy + zz],
  ];
  const [q0, q1, q2, q3] = topEigenvector(n);
  return [
    q0 * q0 + q1 * q1 - q2 * q2 - q3 * q3,
    2 * (q1 * q2 - q0 * q3),
    2 * (q1 * q3 + q0 * q2),
    2 * (q1 * q2 + q0 * q3),
    q0 * q0 - q1 * q1 + q2 * q2 - q3 * q3,
    2 * (q2 * q3 - q0 * q1),
    2 * (q1 * q3 - q0 * q2),
    2 * (q2 * q3 + q0 * q1),
    q0 * q0 - q1 * q1 - q2 * q2 + q3 * q3,
  ];
}

/** Unit eigenvector of the largest eigenvalue of a symmetric 4x4 matrix (cyclic Jacobi). */
function topEigenvector(input: readonly (readonly number[])[]): [number, number, number, number] {
  const a = input.map((row) => [...row]);
  const v = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0)));
  const at = (m: number[][], i: number, j: number): number => (m[i] as number[])[j] as number;
  const set = (m: number[][], i: number, j: number, x: number): void => {
    (m[i] as number[])[j] = x;
  };
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < 4; p++) for (let q = p + 1; q < 4; q++) off += at(a, p, q) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < 4; p++) {
      for (let q = p + 1; q < 4; q++) {
        if (Math.abs(at(a, p, q)) < 1e-300) continue;
        const theta = (at(a, q, q) - at(a, p, p)) / (2 * at(a, p, q));
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 4; k++) {
          const akp = at(a, k, p);
          const akq = at(a, k, q);
          set(a, k, p, c * akp - s * akq);
          set(a, k, q, s * akp + c * akq);
        }
        for (let k = 0; k < 4; k++) {
          const apk = at(a, p, k);
          const aqk = at(a, q, k);
          set(a, p, k, c * apk - s * aqk);
          set(a, q, k, s * apk + c * aqk);
        }
        for (let k = 0; k < 4; k++) {
          const vkp = at(v, k, p);
          const vkq = at(v, k, q);
          set(v, k, p, c * vkp - s * vkq);
          set(v, k, q, s * vkp + c * vkq);
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i < 4; i++) if (at(a, i, i) > at(a, best, best)) best = i;
  return [at(v, 0, best), at(v, 1, best), at(v, 2, best), at(v, 3, best)];
}
