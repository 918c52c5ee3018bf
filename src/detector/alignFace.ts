/**
 * Warps a face from an RGB24 frame into the model's normalised CHW input, in one pass: each
 * crop pixel is mapped back to the frame by the inverse similarity and sampled bilinearly, then
 * normalised with the card's mean/std. Pixels outside the frame are black (as in training).
 */
import type { Face, Similarity } from '../types/face.js';
import type { Frame } from '../types/frame.js';
import type { ModelCard } from '../types/model.js';
import { meshAlignmentPoints } from '../landmarks/meshKeypoints.js';
import { estimateSimilarity, invertSimilarity } from './similarity.js';

/** Number of keypoints used for alignment: both eyes, nose tip, mouth centre. */
const ALIGN_POINTS = 4;

/** The part of a card the warp reads: crop size and normalisation (the face mesh has its own). */
export type CropFormat = Pick<ModelCard, 'inputWidth' | 'inputHeight' | 'mean' | 'std'>;

/**
 * Frame -> crop transform that puts the face's keypoints on the card's template: BlazeFace's
 * first four keypoints, or the mesh's (meshKeypoints.ts) when the card's `keypointSource` is
 * `mesh` and the face has a mesh (a face the mesh model rejected falls back to BlazeFace's).
 */
export function alignmentTransform(
  face: Face,
  card: Pick<ModelCard, 'alignmentTemplate' | 'keypointSource'>,
): Similarity {
  const points =
    card.keypointSource === 'mesh' && face.landmarks
      ? meshAlignmentPoints(face.landmarks.points)
      : face.keypoints.slice(0, ALIGN_POINTS);
  return estimateSimilarity(points, card.alignmentTemplate);
}

/**
 * Writes the aligned, normalised crop of `frame` under `transform` into `out` (CHW float32,
 * `3 * inputHeight * inputWidth` values starting at `offset`) and returns `out`.
 */
export function warpToTensor(
  frame: Frame,
  transform: Similarity,
  card: CropFormat,
  out: Float32Array = new Float32Array(3 * card.inputWidth * card.inputHeight),
  offset = 0,
): Float32Array {
  const { width: fw, height: fh, data } = frame;
  const W = card.inputWidth;
  const H = card.inputHeight;
  const plane = W * H;
  const inv = invertSimilarity(transform);
  // Per-channel affine normalisation: (v / 255 - mean) / std = v * k + c.
  const k0 = 1 / (255 * card.std[0]);
  const k1 = 1 / (255 * card.std[1]);
  const k2 = 1 / (255 * card.std[2]);
  const c0 = -card.mean[0] / card.std[0];
  const c1 = -card.mean[1] / card.std[1];
  const c2 = -card.mean[2] / card.std[2];
  const rgb = new Float64Array(3);
  const rowBytes = fw * 3;
  for (let v = 0; v < H; v++) {
    // Sample at pixel centres: crop (u + 0.5, v + 0.5) -> frame (x + 0.5, y + 0.5).
    const cv = v + 0.5;
    let sx = inv.a * 0.5 - inv.b * cv + inv.tx - 0.5;
    let sy = inv.b * 0.5 + inv.a * cv + inv.ty - 0.5;
    let o = offset + v * W;
    for (let u = 0; u < W; u++, o++, sx += inv.a, sy += inv.b) {
      let r: number;
      let g: number;
      let b: number;
      if (sx >= 0 && sy >= 0 && sx < fw - 1 && sy < fh - 1) {
        // Interior fast path (almost every pixel): the four taps inline as three lerps per
        // channel (half the time of weighting each tap; equal to sampleBilinear up to rounding).
        const x0 = sx | 0;
        const y0 = sy | 0;
        const ax = sx - x0;
        const ay = sy - y0;
        const i00 = y0 * rowBytes + x0 * 3;
        const i10 = i00 + rowBytes;
        r = lerp2(data, i00, i10, ax, ay);
        g = lerp2(data, i00 + 1, i10 + 1, ax, ay);
        b = lerp2(data, i00 + 2, i10 + 2, ax, ay);
      } else {
        sampleBilinear(data, fw, fh, sx, sy, rgb);
        r = rgb[0] as number;
        g = rgb[1] as number;
        b = rgb[2] as number;
      }
      out[o] = r * k0 + c0;
      out[o + plane] = g * k1 + c1;
      out[o + 2 * plane] = b * k2 + c2;
    }
  }
  return out;
}

/** Bilinear value of one channel from the 2x2 taps at `top` and `top + 3`, `bottom` and `bottom + 3`. */
function lerp2(data: Uint8Array, top: number, bottom: number, ax: number, ay: number): number {
  const t0 = data[top] as number;
  const b0 = data[bottom] as number;
  const t = t0 + ax * ((data[top + 3] as number) - t0);
  return t + ay * (b0 + ax * ((data[bottom + 3] as number) - b0) - t);
}

/** Bilinear RGB sample at (x, y) in pixel-centre coordinates; outside the frame is black. */
function sampleBilinear(
  data: Uint8Array,
  fw: number,
  fh: number,
  x: number,
  y: number,
  rgb: Float64Array,
): void {
  rgb[0] = rgb[1] = rgb[2] = 0;
  if (!(x > -1 && y > -1 && x < fw && y < fh)) return;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const ax = x - x0;
  const ay = y - y0;
  for (let dy = 0; dy < 2; dy++) {
    const yy = y0 + dy;
    if (yy < 0 || yy >= fh) continue;
    const wy = dy === 0 ? 1 - ay : ay;
    for (let dx = 0; dx < 2; dx++) {
      const xx = x0 + dx;
      if (xx < 0 || xx >= fw) continue;
      const w = wy * (dx === 0 ? 1 - ax : ax);
      const i = (yy * fw + xx) * 3;
      rgb[0] += w * (data[i] as number);
      rgb[1] += w * (data[i + 1] as number);
      rgb[2] += w * (data[i + 2] as number);
    }
  }
}
