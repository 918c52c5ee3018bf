/** Test helper: MediaPipe's canonical face posed by a known rotation, as a mesh in frame pixels. */
import { canonicalFaceModel } from '../../src/landmarks/canonicalFaceModel.js';
import type { Point3 } from '../../src/types/landmarks.js';

const RAD = Math.PI / 180;

/**
 * The canonical face rotated by R = Rx(pitch) * Ry(yaw) * Rz(roll) in OpenFace's camera axes
 * (x right, y down, z away: the image's x, y and the mesh's depth), scaled by `scale` px/cm and
 * centred at (cx, cy).
 */
export function posedCanonicalMesh(
  pitchDeg: number,
  yawDeg: number,
  rollDeg: number,
  scale = 20,
  cx = 320,
  cy = 240,
): Point3[] {
  const [a, b, c] = [pitchDeg * RAD, yawDeg * RAD, rollDeg * RAD];
  const rx = [1, 0, 0, 0, Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a)];
  const ry = [Math.cos(b), 0, Math.sin(b), 0, 1, 0, -Math.sin(b), 0, Math.cos(b)];
  const rz = [Math.cos(c), -Math.sin(c), 0, Math.sin(c), Math.cos(c), 0, 0, 0, 1];
  const r = mul(mul(rx, ry), rz);
  return canonicalFaceModel().vertices.map((v) => {
    const p = [v.x, -v.y, -v.z]; // canonical (y up, z towards the viewer) -> camera axes
    const q = [0, 1, 2].map(
      (i) =>
        (r[i * 3] as number) * (p[0] as number) +
        (r[i * 3 + 1] as number) * (p[1] as number) +
        (r[i * 3 + 2] as number) * (p[2] as number),
    );
    return {
      x: cx + scale * (q[0] as number),
      y: cy + scale * (q[1] as number),
      z: scale * (q[2] as number),
    };
  });
}

function mul(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      for (let k = 0; k < 3; k++)
        out[i * 3 + j] = (out[i * 3 + j] as number) + (a[i * 3 + k] as number) * (b[k * 3 + j] as number);
  return out;
}
