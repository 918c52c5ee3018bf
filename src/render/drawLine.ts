/**
 * Lines and dots for the raster library: a polyline for time series, a dot for keypoints.
 *
 * Lines are stepped along their longer axis, one square brush of `thickness` pixels per step:
 * no anti-aliasing, so the drawn colour is exactly the colour asked for (pictures stay easy to
 * check pixel by pixel).
 */
import { fillRect, type Rgb, type RgbImage } from './rgbImage.js';

/** Draws a straight line from (`x0`, `y0`) to (`x1`, `y1`), in pixels. Defaults to 1 px thick. */
export function drawLine(
  image: RgbImage,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  color: Rgb,
  thickness = 1,
): void {
  const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
  const half = (thickness - 1) / 2;
  for (let s = 0; s <= steps; s++) {
    const x = x0 + ((x1 - x0) * s) / steps;
    const y = y0 + ((y1 - y0) * s) / steps;
    fillRect(image, Math.round(x - half), Math.round(y - half), thickness, thickness, color);
  }
}

/** Joins consecutive points; `NaN` coordinates break the line (gaps where a track is absent). */
export function drawPolyline(
  image: RgbImage,
  points: readonly (readonly [number, number])[],
  color: Rgb,
  thickness = 1,
): void {
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1]!;
    const [bx, by] = points[i]!;
    if ([ax, ay, bx, by].some(Number.isNaN)) continue;
    drawLine(image, ax, ay, bx, by, color, thickness);
  }
}

/** A filled disc of `radius` pixels centred on (`x`, `y`), e.g. a keypoint. Defaults to 3 px. */
export function drawDot(image: RgbImage, x: number, y: number, color: Rgb, radius = 3): void {
  const r = Math.max(0, radius);
  for (let dy = -Math.ceil(r); dy <= Math.ceil(r); dy++) {
    const half = Math.sqrt(Math.max(0, r * r - dy * dy));
    fillRect(image, Math.round(x - half), Math.round(y + dy), Math.round(2 * half) + 1, 1, color);
  }
}
