/**
 * Turns BlazeFace's raw outputs into candidate faces in detector-input pixels.
 *
 * Per anchor the model gives one score logit and 16 regressors: box centre offset (dx, dy) and
 * size (w, h), then six keypoint offsets, all in input pixels relative to the anchor centre.
 * Only anchors whose sigmoid score reaches `minScore` are decoded; overlaps are left for
 * `weightedNms`.
 */
import type { Face, Point } from '../types/face.js';

/** Scores (`[anchors]` logits) and regressors (`[anchors * 16]`) in anchor order. */
export interface RawOutputs {
  readonly scores: Float32Array;
  readonly regressors: Float32Array;
}

/** Regressors per anchor: 4 for the box, 2 for each of the 6 keypoints. */
export const REGRESSORS_PER_ANCHOR = 16;

/** Clamp logits as MediaPipe does (`score_clipping_thresh: 100`) so `exp` cannot overflow. */
const LOGIT_CLIP = 100;

/** Logistic function. */
export function sigmoid(logit: number): number {
  const z = Math.max(-LOGIT_CLIP, Math.min(LOGIT_CLIP, logit));
  return 1 / (1 + Math.exp(-z));
}

/**
 * Decodes every anchor scoring at least `minScore`.
 *
 * @param outputs the layers' outputs, in the same order as `anchors`.
 * @param anchors anchor centres `[x, y, ...]` in [0, 1] (see `blazeFaceAnchors`).
 * @param inputSize side of the square detector input, in pixels (128 or 256).
 * @param minScore in [0, 1].
 * @returns faces in input pixels (box and keypoints), unsorted.
 */
export function decodeDetections(
  outputs: readonly RawOutputs[],
  anchors: Float32Array,
  inputSize: number,
  minScore: number,
): Face[] {
  const faces: Face[] = [];
  // Compare logits, not probabilities: sigmoid is monotonic and most anchors are rejected.
  const minLogit = minScore <= 0 ? -Infinity : minScore >= 1 ? Infinity : Math.log(minScore / (1 - minScore));
  let anchor = 0;
  for (const { scores, regressors } of outputs) {
    for (let i = 0; i < scores.length; i++, anchor++) {
      const logit = scores[i] ?? -Infinity;
      if (!(logit >= minLogit)) continue;
      const ax = (anchors[anchor * 2] ?? 0) * inputSize;
      const ay = (anchors[anchor * 2 + 1] ?? 0) * inputSize;
      const r = regressors.subarray(i * REGRESSORS_PER_ANCHOR, (i + 1) * REGRESSORS_PER_ANCHOR);
      const cx = ax + (r[0] ?? 0);
      const cy = ay + (r[1] ?? 0);
      const w = r[2] ?? 0;
      const h = r[3] ?? 0;
      const keypoints: Point[] = [];
      for (let k = 0; k < 6; k++) {
        keypoints.push({ x: ax + (r[4 + k * 2] ?? 0), y: ay + (r[5 + k * 2] ?? 0) });
      }
      faces.push({
        box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h },
        score: sigmoid(logit),
        keypoints,
      });
    }
  }
  return faces;
}
