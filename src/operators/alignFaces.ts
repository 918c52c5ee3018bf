/**
 * Warps every detected face onto the model's alignment template, giving the normalised crops
 * `inferAUs` feeds to the model. Synchronous: one crop costs well under a millisecond.
 *
 * Each `AlignedFace.crop` is computed on first read (then kept), from the frame's pixels: read
 * it while the frame is still in the pipeline (any synchronous stage, or after `retainFrame`),
 * since a source with `reuseBuffers` (as in `analyze`) refills a released frame's buffer.
 * `inferAUs` never reads it: it warps each face straight into the model's batch tensor (see
 * `deferredWarp`), so the hot path allocates and copies no crop, and held faces are not warped.
 *
 * @example
 * fromFile('talk.mp4').pipe(detectFaces(), alignFaces(model), inferAUs(model))
 */
import { type OperatorFunction, map } from 'rxjs';
import { alignmentTransform, warpToTensor } from '../detector/alignFace.js';
import type { CropWriter } from '../model/AUModel.js';
import type { Face } from '../types/face.js';
import type { Frame } from '../types/frame.js';
import type { ModelCard } from '../types/model.js';
import type { AlignedFace, AlignedFrame, FrameFaces } from '../types/pipeline.js';

/** Anything that carries a model card: an `AUModel` or the card itself. */
export type HasCard = { readonly card: ModelCard } | ModelCard;

/** Faces made by `alignFaces` whose crop nobody has read yet, with what warping it takes. */
const unwarped = new WeakMap<AlignedFace, { readonly frame: Frame; readonly card: ModelCard }>();

export function alignFaces(model: HasCard): OperatorFunction<FrameFaces, AlignedFrame> {
  const card = 'card' in model ? model.card : model;
  return map(({ frame, faces }) => ({ frame, faces: faces.map((face) => alignedFace(frame, face, card)) }));
}

function alignedFace(frame: Frame, face: Face, card: ModelCard): AlignedFace {
  const transform = alignmentTransform(face, card);
  let crop: Float32Array | undefined;
  // An enumerable accessor, so spreading and JSON.stringify still see `crop` as before.
  const aligned: AlignedFace = {
    face,
    transform,
    get crop(): Float32Array {
      if (!crop) {
        crop = warpToTensor(frame, transform, card);
        unwarped.delete(aligned);
      }
      return crop;
    },
  };
  unwarped.set(aligned, { frame, card });
  return aligned;
}

/**
 * For `inferAUs`: a writer that warps `aligned` straight into a batch tensor, when it came from
 * `alignFaces` with this `card` and its crop was never read; otherwise `undefined` (use `crop`).
 */
export function deferredWarp(aligned: AlignedFace, card: ModelCard): CropWriter | undefined {
  const source = unwarped.get(aligned);
  if (!source || source.card !== card) return undefined;
  return (target, offset) => {
    warpToTensor(source.frame, aligned.transform, card, target, offset);
  };
}
