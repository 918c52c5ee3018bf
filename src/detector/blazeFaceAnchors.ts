/**
 * BlazeFace's 896 SSD anchors, as centres in [0, 1] of the detector input.
 *
 * Both vendored models (front 128x128 and back 256x256) use the same layout: a 16x16 grid with
 * 2 anchors per cell (512, output `Identity:0` / `Identity_2:0`), then an 8x8 grid with 6
 * anchors per cell (384, `Identity_1:0` / `Identity_3:0`). Anchors are row-major over cells and
 * consecutive within a cell, which is also the order of the model's outputs. All anchors have
 * unit size (MediaPipe's `fixed_anchor_size`), so regressors are offsets in input pixels.
 *
 * @see https://github.com/google-ai-edge/mediapipe/blob/master/mediapipe/modules/face_detection/face_detection.pbtxt
 */

/** One anchor layer: a square grid of cells with `perCell` anchors each. */
export interface AnchorLayer {
  readonly grid: number;
  readonly perCell: number;
}

/** The two layers of both BlazeFace models, in output order. */
export const BLAZEFACE_LAYERS: readonly AnchorLayer[] = [
  { grid: 16, perCell: 2 },
  { grid: 8, perCell: 6 },
];

/** Total anchors over `layers` (896 for BlazeFace). */
export function anchorCount(layers: readonly AnchorLayer[] = BLAZEFACE_LAYERS): number {
  return layers.reduce((n, l) => n + l.grid * l.grid * l.perCell, 0);
}

/** Anchor centres as `[x0, y0, x1, y1, ...]` in [0, 1] of the input (y downwards). */
export function blazeFaceAnchors(layers: readonly AnchorLayer[] = BLAZEFACE_LAYERS): Float32Array {
  const out = new Float32Array(anchorCount(layers) * 2);
  let i = 0;
  for (const { grid, perCell } of layers) {
    for (let y = 0; y < grid; y++) {
      for (let x = 0; x < grid; x++) {
        for (let a = 0; a < perCell; a++) {
          out[i++] = (x + 0.5) / grid;
          out[i++] = (y + 0.5) / grid;
        }
      }
    }
  }
  return out;
}
