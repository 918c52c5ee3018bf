/**
 * Fixed colours of the annotated video and the timeline plot, so a track has the same colour
 * in both and from run to run.
 *
 * Track `id` is drawn in `TRACK_COLORS[id % 10]` (the Tableau 10 palette: blue `#1f77b4`,
 * orange `#ff7f0e`, green `#2ca02c`, red `#d62728`, purple `#9467bd`, brown `#8c564b`, pink
 * `#e377c2`, grey `#7f7f7f`, olive `#bcbd22`, cyan `#17becf`), which stays readable on video.
 */
import type { Rgb } from './rgbImage.js';

export const TRACK_COLORS: readonly Rgb[] = [
  [0x1f, 0x77, 0xb4],
  [0xff, 0x7f, 0x0e],
  [0x2c, 0xa0, 0x2c],
  [0xd6, 0x27, 0x28],
  [0x94, 0x67, 0xbd],
  [0x8c, 0x56, 0x4b],
  [0xe3, 0x77, 0xc2],
  [0x7f, 0x7f, 0x7f],
  [0xbc, 0xbd, 0x22],
  [0x17, 0xbe, 0xcf],
];

/** The colour of track `trackId` (negative ids wrap too). */
export function trackColor(trackId: number): Rgb {
  const n = TRACK_COLORS.length;
  return TRACK_COLORS[((Math.trunc(trackId) % n) + n) % n]!;
}

/** Keypoints, panel text and highlights. */
export const KEYPOINT_COLOR: Rgb = [255, 255, 0];
export const TEXT_COLOR: Rgb = [255, 255, 255];
export const PANEL_COLOR: Rgb = [0, 0, 0];
export const BAR_COLOR: Rgb = [160, 160, 160];
export const ACTIVE_COLOR: Rgb = [0, 220, 90];
