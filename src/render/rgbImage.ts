/**
 * The raster every drawing function works on: RGB24 bytes, row-major, like `Frame.data`, plus
 * filled and outlined rectangles with optional transparency.
 *
 * Drawing functions clip to the image (parts outside are skipped, nothing throws), take
 * coordinates in pixels (rounded to the nearest pixel) and write in place: callers that must
 * not mutate a frame draw on a copy (`copyImage`).
 */

/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/** A mutable picture: `data` is `width * height * 3` bytes, row-major RGB. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A new image filled with `background`. Defaults to black. */
export function createImage(width: number, height: number, background: Rgb = [0, 0, 0]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = background[0];
    data[i + 1] = background[1];
    data[i + 2] = background[2];
  }
  return { width, height, data };
}

/** A copy of any RGB24 picture (e.g. a `Frame`) that can be drawn on. */
export function copyImage(source: {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}): RgbImage {
  return { width: source.width, height: source.height, data: Uint8Array.from(source.data) };
}

/**
 * Fills the rectangle [`x`, `x + width`) x [`y`, `y + height`) with `color`; `alpha` in [0, 1]
 * blends it over what is there (defaults to 1: opaque).
 */
export function fillRect(
  image: RgbImage,
  x: number,
  y: number,
  width: number,
  height: number,
  color: Rgb,
  alpha = 1,
): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(image.width, Math.round(x + width));
  const y1 = Math.min(image.height, Math.round(y + height));
  const a = Math.min(1, Math.max(0, alpha));
  const { data } = image;
  for (let row = y0; row < y1; row++) {
    for (let col = x0; col < x1; col++) {
      const i = (row * image.width + col) * 3;
      if (a >= 1) {
        data[i] = color[0];
        data[i + 1] = color[1];
        data[i + 2] = color[2];
      } else {
        data[i] = Math.round(data[i]! * (1 - a) + color[0] * a);
        data[i + 1] = Math.round(data[i + 1]! * (1 - a) + color[1] * a);
        data[i + 2] = Math.round(data[i + 2]! * (1 - a) + color[2] * a);
      }
    }
  }
}

/** Outlines a box with lines `thickness` pixels wide drawn inside it (so the box edge is coloured). */
export function strokeRect(
  image: RgbImage,
  box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number },
  color: Rgb,
  thickness = 2,
): void {
  const t = Math.max(1, Math.round(thickness));
  const { x, y, width, height } = box;
  fillRect(image, x, y, width, t, color);
  fillRect(image, x, y + height - t, width, t, color);
  fillRect(image, x, y, t, height, color);
  fillRect(image, x + width - t, y, t, height, color);
}

/** The colour at (`x`, `y`), or undefined outside the image (tests and checks). */
export function pixelAt(image: RgbImage, x: number, y: number): Rgb | undefined {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return undefined;
  const i = (Math.floor(y) * image.width + Math.floor(x)) * 3;
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
}
