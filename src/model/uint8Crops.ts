/**
 * uint8 crops: the pixel values (0..255, CHW) of aligned crops, a quarter of the float32 bytes
 * (150,528 B against 602,112 B for 224x224), for sending crops to an inference server. The
 * model card's mean/std map them to the model's normalised input and back:
 * `normalised = (pixel / 255 - mean) / std`.
 *
 * Rounding to whole pixel values is the only loss: at most 0.5 / 255 / std per value (about
 * 0.0087 for std 0.225); see docs/remote-inference.md for what that does to the probabilities.
 *
 * @example
 * const bytes = cropsToUint8(batch, 4, model.card); // 4 crops, 4 * 3 * H * W bytes
 * await model.inferWith(uint8CropWriter(bytes, 0, model.card)); // the first one, normalised again
 */
import type { ModelCard } from '../types/model.js';
import type { CropWriter } from './microBatcher.js';

/** Per channel: pixel = normalised * scale + shift. */
function toPixel(card: ModelCard, c: 0 | 1 | 2): { scale: number; shift: number } {
  return { scale: 255 * card.std[c], shift: 255 * card.mean[c] };
}

/**
 * Quantises `count` normalised CHW crops from `crops` to uint8 (rounded to nearest, clamped to
 * 0..255) into `out` (allocated when not given) and returns it.
 */
export function cropsToUint8(
  crops: Float32Array,
  count: number,
  card: ModelCard,
  out: Uint8Array = new Uint8Array(count * 3 * card.inputHeight * card.inputWidth),
): Uint8Array {
  const plane = card.inputHeight * card.inputWidth;
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < 3; c++) {
      const { scale, shift } = toPixel(card, c as 0 | 1 | 2);
      const start = (n * 3 + c) * plane;
      for (let i = start; i < start + plane; i++) {
        const v = Math.round((crops[i] as number) * scale + shift);
        out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return out;
}

/**
 * A `CropWriter` that writes the uint8 CHW crop at `bytes[offset ...]` normalised with the
 * card's mean/std, as `warpToTensor` would have: what a server does with uint8 requests.
 */
export function uint8CropWriter(bytes: Uint8Array, offset: number, card: ModelCard): CropWriter {
  const plane = card.inputHeight * card.inputWidth;
  return (target, at) => {
    for (let c = 0; c < 3; c++) {
      const { scale, shift } = toPixel(card, c as 0 | 1 | 2);
      const k = 1 / scale;
      const b = -shift / scale;
      const from = offset + c * plane;
      const to = at + c * plane;
      for (let i = 0; i < plane; i++) target[to + i] = (bytes[from + i] as number) * k + b;
    }
  };
}
