/**
 * Draws one frame's results on its picture: per face a box in the track's colour, the track
 * id above it, the face mesh's contours and pose axes (when `landmarkFaces` ran), the 6
 * keypoints, and an AU panel (one bar per AU, its probability, active AUs
 * highlighted) beside the box.
 *
 * ```
 *  #3 ┌────────────┐
 *     │  •      •  │      box and id tag: track colour; keypoints: yellow dots
 *     └────────────┘
 *     ┌ AU01 ████░░ 0.71 ┐  panel edge: track colour
 *     │ AU02 █░░░░░ 0.12 │  active AU: green label and bar
 *     └──────────────────┘
 * ```
 * Sizes follow the frame height (text scale `max(1, round(height / 360))`, so 2 at 720p) so the
 * labels stay readable after encoding. The panel goes below the box when it fits (in group
 * shots that is the body, not a neighbour), else right of it, else left; it is clipped at the
 * frame edges. Panels are drawn before every box, so
 * boxes, ids and keypoints stay visible when faces are close.
 */
import { drawFaceMesh } from '../landmarks/drawFaceMesh.js';
import type { FaceResult } from '../types/result.js';
import { CHAR_HEIGHT, drawText, textWidth } from './bitmapFont.js';
import { drawDot } from './drawLine.js';
import { ACTIVE_COLOR, BAR_COLOR, KEYPOINT_COLOR, PANEL_COLOR, TEXT_COLOR, trackColor } from './palette.js';
import { fillRect, type RgbImage, strokeRect } from './rgbImage.js';

export interface FaceAnnotationOptions {
  /** AU names in panel order (the model card's `auNames`). */
  readonly auNames: readonly string[];
  /** Per-AU thresholds for faces without `active` flags, in `auNames` order. Defaults to 0.5 each. */
  readonly thresholds?: readonly number[];
  /** Draw the AU panel. Defaults to true. */
  readonly panel?: boolean;
  /** Draw mesh contours and pose axes of faces that have them (drawFaceMesh.ts). Defaults to true. */
  readonly mesh?: boolean;
}

/** Box line width at text scale 1, in pixels. */
const BOX_THICKNESS = 2;
/** Bar length at text scale 1, in pixels. */
const BAR_LENGTH = 40;

/** Draws every face of `faces` on `image` (in place). */
export function drawFaceAnnotations(
  image: RgbImage,
  faces: readonly FaceResult[],
  options: FaceAnnotationOptions,
): void {
  const scale = Math.max(1, Math.round(image.height / 360));
  // Panels first: where faces are close, a panel may cover a neighbour, but never its box.
  if (options.panel !== false) for (const face of faces) drawPanel(image, face, options, scale);
  // Meshes next, under every box: a face outline often runs along its box edges.
  if (options.mesh !== false) for (const face of faces) drawFaceMesh(image, face, scale);
  for (const face of faces) {
    const color = trackColor(face.trackId);
    strokeRect(image, face.box, color, BOX_THICKNESS * scale);
    const tag = `#${face.trackId}`;
    const tagHeight = (CHAR_HEIGHT + 2) * scale;
    const tagY = face.box.y - tagHeight >= 0 ? face.box.y - tagHeight : face.box.y;
    fillRect(image, face.box.x, tagY, textWidth(tag, scale) + 2 * scale, tagHeight, color);
    drawText(image, tag, face.box.x + 2 * scale, tagY + 2 * scale, TEXT_COLOR, scale);
    for (const point of face.keypoints) drawDot(image, point.x, point.y, KEYPOINT_COLOR, 1.5 * scale);
  }
}

function drawPanel(image: RgbImage, face: FaceResult, options: FaceAnnotationOptions, scale: number): void {
  const values = face.smoothed ?? face.aus;
  const labelWidth = Math.max(4, ...options.auNames.map((n) => n.length));
  const rowHeight = (CHAR_HEIGHT + 2) * scale;
  const pad = 3 * scale;
  const width = textWidth(' '.repeat(labelWidth + 6), scale) + BAR_LENGTH * scale + 2 * pad;
  const height = options.auNames.length * rowHeight + 2 * pad;
  const gap = 4 * scale;
  const below = face.box.y + face.box.height + gap;
  const right = face.box.x + face.box.width + gap;
  // Below the face first (in group shots that is the body, not a neighbour), else beside it.
  const fitsBelow = below + height <= image.height;
  const x = fitsBelow
    ? Math.min(Math.max(0, face.box.x), Math.max(0, image.width - width))
    : right + width <= image.width
      ? right
      : Math.max(0, face.box.x - gap - width);
  const y = fitsBelow ? below : Math.min(Math.max(0, face.box.y), Math.max(0, image.height - height));
  fillRect(image, x, y, width, height, PANEL_COLOR, 0.6);
  strokeRect(image, { x, y, width, height }, trackColor(face.trackId), scale);
  options.auNames.forEach((au, i) => {
    const p = values[au] ?? 0;
    const active = face.active?.[au] ?? p >= (options.thresholds?.[i] ?? 0.5);
    const rowY = y + pad + i * rowHeight;
    const textColor = active ? ACTIVE_COLOR : TEXT_COLOR;
    drawText(image, au, x + pad, rowY + scale, textColor, scale);
    const barX = x + pad + textWidth(' '.repeat(labelWidth + 1), scale);
    const barHeight = CHAR_HEIGHT * scale - scale;
    fillRect(image, barX, rowY + scale, BAR_LENGTH * scale, barHeight, PANEL_COLOR);
    fillRect(
      image,
      barX,
      rowY + scale,
      Math.round(BAR_LENGTH * scale * Math.min(1, Math.max(0, p))),
      barHeight,
      active ? ACTIVE_COLOR : BAR_COLOR,
    );
    drawText(image, p.toFixed(2), barX + (BAR_LENGTH + 2) * scale, rowY + scale, textColor, scale);
  });
}
