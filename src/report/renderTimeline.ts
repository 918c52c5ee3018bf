/**
 * Draws per-track AU timelines as a picture: for each track a block with its id, then one row
 * per AU (label on the left, shaded active episodes, probability line), and a time axis in
 * seconds under each block.
 *
 * ```
 *  Track #1  group.mp4
 *      1-|  ____/‾‾‾‾\____      |   line: probability 0..1 (row bottom..top), track colour
 *  AU01 .5-|                   |   scale: 0 / 0.5 / 1 ticks on every row
 *      0-| ▒▒▒▒▒▒     ▒▒▒       |   shade: active episodes, track colour at 25 %
 *        0 s    1 s    2 s    3 s
 * ```
 * Size (fixed, in pixels): `TIMELINE_WIDTH` (1200) wide; `timelineHeight(tracks, aus)` =
 * 2 * 12 + tracks * (28 + aus * 28 + 28) tall, e.g. 1 track of 12 AUs: 416 px. All tracks
 * share one time axis (the first to the last sample of the file). A gap longer than three
 * typical sample intervals (the face was not found) breaks the line.
 */
import { CHAR_HEIGHT, drawText, textWidth } from '../render/bitmapFont.js';
import { drawLine, drawPolyline } from '../render/drawLine.js';
import { trackColor } from '../render/palette.js';
import { createImage, fillRect, type Rgb, type RgbImage } from '../render/rgbImage.js';
import type { TimelineData, TrackSeries } from './timelineData.js';

export const TIMELINE_WIDTH = 1200;
const MARGIN = 12;
const LEFT = 96; // room for the AU labels
const RIGHT = 24;
const TITLE = 28;
const ROW = 28;
const AXIS = 28;
const INK: Rgb = [40, 40, 40];
const ROW_BG: readonly Rgb[] = [
  [250, 250, 250],
  [240, 240, 240],
];
const SCALE: readonly (readonly [number, string])[] = [
  [0, '0'],
  [0.5, '.5'],
  [1, '1'],
];
const TICK_STEPS_S = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/** Height in pixels of the picture for `tracks` tracks of `aus` AUs (at least one block). */
export function timelineHeight(tracks: number, aus: number): number {
  return 2 * MARGIN + Math.max(1, tracks) * (TITLE + aus * ROW + AXIS);
}

/** Renders `data`; with no track at all the picture says so (one empty block). */
export function renderTimeline(data: TimelineData): RgbImage {
  const aus = data.auNames.length;
  const image = createImage(TIMELINE_WIDTH, timelineHeight(data.tracks.length, aus), [255, 255, 255]);
  const all = data.tracks.flatMap((t) => [t.timesMs[0] ?? 0, t.timesMs[t.timesMs.length - 1] ?? 0]);
  const t0 = all.length > 0 ? Math.min(...all) : 0;
  const t1 = Math.max(t0 + 1, ...all);
  const x = (ms: number): number => LEFT + ((ms - t0) / (t1 - t0)) * (TIMELINE_WIDTH - LEFT - RIGHT);
  if (data.tracks.length === 0) drawText(image, 'No faces found', LEFT, MARGIN + 8, INK, 2);
  data.tracks.forEach((track, k) => {
    const top = MARGIN + k * (TITLE + aus * ROW + AXIS);
    drawBlock(image, track, data.auNames, top, x);
    drawAxis(image, top + TITLE + aus * ROW, t0, t1, x);
  });
  return image;
}

function drawBlock(
  image: RgbImage,
  track: TrackSeries,
  auNames: readonly string[],
  top: number,
  x: (ms: number) => number,
): void {
  const color = trackColor(track.trackId);
  fillRect(image, MARGIN, top + 6, 16, 16, color);
  drawText(image, `Track #${track.trackId}  ${track.sourceId}`, MARGIN + 24, top + 6, INK, 2);
  const plotWidth = TIMELINE_WIDTH - LEFT - RIGHT;
  const breaks = gapLimit(track.timesMs);
  auNames.forEach((au, i) => {
    const rowTop = top + TITLE + i * ROW;
    fillRect(image, LEFT, rowTop, plotWidth, ROW, ROW_BG[i % 2]!);
    drawText(image, au, MARGIN, rowTop + (ROW - 2 * CHAR_HEIGHT) / 2 + 1, INK, 2);
    const active = track.active[i]!;
    const values = track.values[i]!;
    // Shade each active sample up to the next sample (or one interval when it is the last).
    for (let s = 0; s < track.timesMs.length; s++) {
      if (!active[s]) continue;
      const next = track.timesMs[s + 1];
      const end =
        next !== undefined && next - track.timesMs[s]! <= breaks ? next : track.timesMs[s]! + breaks / 3;
      const left = x(track.timesMs[s]!);
      fillRect(image, left, rowTop + 1, Math.max(1, x(end) - left), ROW - 2, color, 0.25);
    }
    const y = (p: number): number => rowTop + ROW - 3 - p * (ROW - 6);
    drawScale(image, y);
    const points: [number, number][] = [];
    track.timesMs.forEach((t, s) => {
      if (s > 0 && t - track.timesMs[s - 1]! > breaks) points.push([Number.NaN, Number.NaN]); // a gap
      const p = values[s]!;
      points.push(Number.isNaN(p) ? [Number.NaN, Number.NaN] : [x(t), y(p)]);
    });
    drawPolyline(image, points, color, 2);
  });
}

function drawAxis(image: RgbImage, top: number, t0: number, t1: number, x: (ms: number) => number): void {
  drawLine(image, LEFT, top, TIMELINE_WIDTH - RIGHT, top, INK);
  const spanS = (t1 - t0) / 1000;
  const step = TICK_STEPS_S.find((s) => spanS / s <= 12) ?? 7200;
  for (let s = Math.ceil(t0 / 1000 / step) * step; s * 1000 <= t1 + 1e-6; s += step) {
    const tx = Math.round(x(s * 1000));
    drawLine(image, tx, top - 3, tx, top + 4, INK);
    const label = `${Number(s.toFixed(1))} s`;
    drawText(
      image,
      label,
      Math.min(TIMELINE_WIDTH - textWidth(label, 2), tx - textWidth(label, 2) / 2),
      top + 8,
      INK,
      2,
    );
  }
}

/** The row's probability scale: ticks and small labels at 0, 0.5 and 1, right of the AU label. */
function drawScale(image: RgbImage, y: (p: number) => number): void {
  for (const [p, label] of SCALE) {
    const ty = Math.round(y(p));
    drawLine(image, LEFT - 3, ty, LEFT - 1, ty, INK);
    // 1 hangs below its tick, 0 sits above its own, so neighbouring rows' labels never touch.
    drawText(image, label, LEFT - 5 - textWidth(label), ty - 6 * (1 - p), INK);
  }
}

/** Longest interval (ms) still drawn as continuous: three times the median sample interval. */
function gapLimit(timesMs: readonly number[]): number {
  const deltas = timesMs.slice(1).map((t, i) => t - timesMs[i]!);
  if (deltas.length === 0) return 100;
  const sorted = [...deltas].sort((a, b) => a - b);
  return 3 * sorted[Math.floor(sorted.length / 2)]!;
}
