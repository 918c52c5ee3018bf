/**
 * Warps every detected face onto the model's alignment template, giving the normalised crops
 * `inferAUs` feeds to the model. Synchronous: one crop costs well under a millisecond.
 *
 * @example
 * fromFile('talk.mp4').pipe(detectFaces(), alignFaces(model), inferAUs(model))
 */
import { type OperatorFunction, map } from 'rxjs';
import { alignmentTransform, warpToTensor } from '../detector/alignFace.js';
import type { ModelCard } from '../types/model.js';
import type { AlignedFrame, FrameFaces } from '../types/pipeline.js';

/** Anything that carries a model card: an `AUModel` or the card itself. */
export type HasCard = { readonly card: ModelCard } | ModelCard;

export function alignFaces(model: HasCard): OperatorFunction<FrameFaces, AlignedFrame> {
  const card = 'card' in model ? model.card : model;
  return map(({ frame, faces }) => ({
    frame,
    faces: faces.map((face) => {
      const transform = alignmentTransform(face, card);
      return { face, transform, crop: warpToTensor(frame, transform, card) };
    }),
  }));
}
