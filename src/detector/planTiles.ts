/**
 * Splits a frame into overlapping square tiles (the detector's aspect) so that small faces
 * fill enough of the detector input to be found.
 *
 * ```
 * 1920x1080, size 480, overlap 0.5 -> 7 x 4 tiles, steps of <= 240 px, last tiles flush with
 * the right and bottom edges
 * ```
 */
import type { Box } from '../types/face.js';

/** Tile origins along one axis: evenly spaced, first at 0, last flush with the end. */
function positions(extent: number, size: number, overlap: number): number[] {
  if (extent <= size) return [0];
  const step = size * (1 - overlap);
  const n = Math.ceil((extent - size) / step) + 1;
  return Array.from({ length: n }, (_, i) => Math.round((i * (extent - size)) / (n - 1)));
}

/**
 * Tiles of `size` x `size` frame pixels (clipped to the frame when it is smaller), adjacent
 * tiles overlapping by at least `overlap` (a fraction of `size`, in [0, 1)).
 */
export function planTiles(width: number, height: number, size: number, overlap: number): Box[] {
  const tiles: Box[] = [];
  for (const y of positions(height, size, overlap)) {
    for (const x of positions(width, size, overlap)) {
      tiles.push({ x, y, width: Math.min(size, width), height: Math.min(size, height) });
    }
  }
  return tiles;
}
