/**
 * One training crop, made exactly as inference aligns a face: the card's template moved into a
 * larger canvas (256 for a 224 input, so training can random-crop), warped by the public
 * `alignmentTransform` + `warpToTensor` with an identity normalisation, rounded to uint8.
 * The canvas's centre `inputWidth x inputHeight` crop is then the SDK's crop to within rounding.
 */
import { alignmentTransform, warpToTensor } from '../detector/alignFace.js';
import type { Face, Similarity } from '../types/face.js';
import type { Frame } from '../types/frame.js';
import type { ModelCard } from '../types/model.js';
import type { RgbImage } from '../render/rgbImage.js';

/**
 * Default canvas: the input plus a whole-pixel margin of 16/224 of it on every side (256 for
 * 224), so the toolkit's centre crop ((canvas - input) / 2) is the template's exact position.
 */
export function defaultCanvas(card: ModelCard): { width: number; height: number } {
  const margin = (side: number): number => 2 * Math.ceil((side * 16) / 224);
  return {
    width: card.inputWidth + margin(card.inputWidth),
    height: card.inputHeight + margin(card.inputHeight),
  };
}

/** A card that warps into the canvas and leaves pixel values as they are (mean 0, std 1/255). */
export function canvasCard(card: ModelCard, width: number, height: number): ModelCard {
  const ox = (width - card.inputWidth) / 2;
  const oy = (height - card.inputHeight) / 2;
  return {
    ...card,
    inputWidth: width,
    inputHeight: height,
    mean: [0, 0, 0],
    std: [1 / 255, 1 / 255, 1 / 255],
    alignmentTemplate: card.alignmentTemplate.map((p) => ({ x: p.x + ox, y: p.y + oy })),
  };
}

/** The training subject: the largest face (frames of BP4D/DISFA show one person up close). */
export function largestFace(faces: readonly Face[]): Face | undefined {
  let best: Face | undefined;
  for (const face of faces)
    if (!best || face.box.width * face.box.height > best.box.width * best.box.height) best = face;
  return best;
}

/** The aligned canvas of `face` as RGB24 bytes, and the frame -> canvas transform. */
export function trainingCrop(
  frame: Frame,
  face: Face,
  canvas: ModelCard,
): { image: RgbImage; transform: Similarity } {
  const transform = alignmentTransform(face, canvas);
  const chw = warpToTensor(frame, transform, canvas);
  const { inputWidth: width, inputHeight: height } = canvas;
  const plane = width * height;
  const data = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    data[i * 3] = toByte(chw[i] as number);
    data[i * 3 + 1] = toByte(chw[i + plane] as number);
    data[i * 3 + 2] = toByte(chw[i + 2 * plane] as number);
  }
  return { image: { width, height, data }, transform };
}

function toByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
