/**
 * BlazeFace's SSD anchors, as centres in [0, 1] of the detector input: 896 for the front and
 * back models, 2304 for the full-range one (`FULL_RANGE_LAYERS`).
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

/**
 * MediaPipe's full-range model (192x192): one 48x48 grid (stride 4) with one anchor per cell,
 * 2304 anchors (face_detection_full_range.pbtxt: num_layers 1, strides [4], fixed_anchor_size).
 */
export const FULL_RANGE_LAYERS: readonly AnchorLayer[] = [{ grid: 48, perCell: 1 }];

/** The anchor layouts a BlazeFace-style ONNX file may have, told apart by their output sizes. */
export const ANCHOR_LAYOUTS: readonly (readonly AnchorLayer[])[] = [BLAZEFACE_LAYERS, FULL_RANGE_LAYERS];

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
