/**
 * Samples a region of an RGB24 frame straight into the detector's NHWC float input, keeping
 * the aspect ratio and padding the rest ("letterbox"), without copying the frame first.
 *
 * Downscaling (the usual case: 720p or 1080p to 128 px) averages the source area under each
 * input pixel, so small faces are not aliased away: exactly up to `MAX_TAPS`x, beyond that over
 * a `MAX_TAPS` x `MAX_TAPS` grid of samples spread evenly over that area (1080p to 128 px would
 * otherwise read ~225 pixels per input pixel; the grid costs 16 and keeps the low-pass). Upscaling
 * is bilinear. Values are RGB in [-1, 1]; padding is black (-1) as in MediaPipe's
 * `ImageToTensorCalculator`.
 */
import type { Box, Face } from '../types/face.js';
import type { Frame } from '../types/frame.js';

/** How a region was placed in the input: input px = (frame px - region origin) * scale + pad. */
export interface LetterboxTransform {
  readonly originX: number;
  readonly originY: number;
  readonly scale: number;
  readonly padX: number;
  readonly padY: number;
}

const PAD_VALUE = -1;
/** Most source pixels averaged per axis for one input pixel. */
const MAX_TAPS = 4;

/** Per-axis filter taps: output i uses `idx[i*stride + k]` with weight `wt[...]`, `count[i]` of them. */
interface Taps {
  readonly idx: Int32Array;
  readonly wt: Float32Array;
  readonly count: Int32Array;
  readonly stride: number;
}

function axisTaps(
  size: number,
  origin: number,
  extent: number,
  scale: number,
  pad: number,
  limit: number,
): Taps {
  const footprint = 1 / scale;
  const stride = footprint > MAX_TAPS ? MAX_TAPS : Math.ceil(footprint) + 2;
  const idx = new Int32Array(size * stride);
  const wt = new Float32Array(size * stride);
  const count = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const centre = origin + (i + 0.5 - pad) * footprint; // continuous frame coordinate
    if (centre < origin || centre > origin + extent) continue; // padding: count stays 0
    let n = 0;
    if (footprint <= 1) {
      const c = centre - 0.5;
      const i0 = Math.floor(c);
      const t = c - i0;
      idx[i * stride] = Math.min(limit - 1, Math.max(0, i0));
      wt[i * stride] = 1 - t;
      idx[i * stride + 1] = Math.min(limit - 1, Math.max(0, i0 + 1));
      wt[i * stride + 1] = t;
      n = 2;
    } else if (footprint > MAX_TAPS) {
      // Nearest pixel at the centres of MAX_TAPS equal parts of the footprint, equal weights.
      for (; n < MAX_TAPS; n++) {
        const x = centre + ((n + 0.5) / MAX_TAPS - 0.5) * footprint;
        idx[i * stride + n] = Math.min(limit - 1, Math.max(0, Math.floor(x)));
        wt[i * stride + n] = 1 / MAX_TAPS;
      }
    } else {
      const lo = Math.max(0, centre - footprint / 2);
      const hi = Math.min(limit, centre + footprint / 2);
      let sum = 0;
      for (let p = Math.floor(lo); p < hi; p++) {
        const w = Math.min(hi, p + 1) - Math.max(lo, p);
        if (w <= 0) continue;
        idx[i * stride + n] = p;
        wt[i * stride + n] = w;
        sum += w;
        n++;
      }
      for (let k = 0; k < n; k++) wt[i * stride + k] = (wt[i * stride + k] ?? 0) / sum;
    }
    count[i] = n;
  }
  return { idx, wt, count, stride };
}

/**
 * Fills `target` (`size * size * 3` floats, NHWC) with `region` of `frame` letterboxed to
 * `size` x `size` input pixels, and returns the transform to map detections back.
 */
export function letterbox(frame: Frame, region: Box, size: number, target: Float32Array): LetterboxTransform {
  const scale = size / Math.max(region.width, region.height);
  const padX = (size - region.width * scale) / 2;
  const padY = (size - region.height * scale) / 2;
  const xs = axisTaps(size, region.x, region.width, scale, padX, frame.width);
  const ys = axisTaps(size, region.y, region.height, scale, padY, frame.height);
  const src = frame.data;
  const rowBytes = frame.width * 3;
  const k = 2 / 255;
  let o = 0;
  for (let v = 0; v < size; v++) {
    const ny = ys.count[v] ?? 0;
    for (let u = 0; u < size; u++, o += 3) {
      const nx = xs.count[u] ?? 0;
      if (nx === 0 || ny === 0) {
        target[o] = target[o + 1] = target[o + 2] = PAD_VALUE;
        continue;
      }
      let r = 0;
      let g = 0;
      let b = 0;
      for (let j = 0; j < ny; j++) {
        const wy = ys.wt[v * ys.stride + j] ?? 0;
        const row = (ys.idx[v * ys.stride + j] ?? 0) * rowBytes;
        for (let i = 0; i < nx; i++) {
          const w = wy * (xs.wt[u * xs.stride + i] ?? 0);
          const p = row + (xs.idx[u * xs.stride + i] ?? 0) * 3;
          r += w * (src[p] ?? 0);
          g += w * (src[p + 1] ?? 0);
          b += w * (src[p + 2] ?? 0);
        }
      }
      target[o] = r * k - 1;
      target[o + 1] = g * k - 1;
      target[o + 2] = b * k - 1;
    }
  }
  return { originX: region.x, originY: region.y, scale, padX, padY };
}

/** Maps a face from detector-input pixels back to frame pixels (no clamping). */
export function toFramePixels(face: Face, t: LetterboxTransform): Face {
  const fx = (x: number): number => t.originX + (x - t.padX) / t.scale;
  const fy = (y: number): number => t.originY + (y - t.padY) / t.scale;
  return {
    box: {
      x: fx(face.box.x),
      y: fy(face.box.y),
      width: face.box.width / t.scale,
      height: face.box.height / t.scale,
    },
    score: face.score,
    keypoints: face.keypoints.map((p) => ({ x: fx(p.x), y: fy(p.y) })),
  };
}
