/**
 * Runs the AU model on every aligned face and emits one `FrameResult` per frame, in order,
 * `status: 'no-face'` included.
 *
 * Frames are handed to the model as they arrive (so crops from consecutive frames, and from
 * other streams sharing the model, fill the same batch) and results are emitted in input
 * order. Each frame stays retained (see frameLease.ts) until its result is out, which bounds
 * how far a file source can run ahead.
 *
 * @example
 * fromFile('talk.mp4').pipe(detectFaces(), alignFaces(model), inferAUs(model))
 * // -> { type: 'frame', index: 0, status: 'ok', faces: [{ trackId: 0, aus: { AU01: 0.12, ... } }] }
 */
import { type OperatorFunction, concatMap, finalize, from, map } from 'rxjs';
import type { AUModel } from '../model/AUModel.js';
import type { AUValues, FrameResult } from '../types/result.js';
import type { AlignedFrame } from '../types/pipeline.js';
import { retainFrame } from './frameLease.js';

export function inferAUs(model: AUModel): OperatorFunction<AlignedFrame, FrameResult> {
  const auNames = model.card.auNames;
  return (source) =>
    source.pipe(
      map((aligned) => {
        const release = retainFrame(aligned.frame);
        const probabilities = Promise.all(
          aligned.faces.map((f) => model.infer(f.crop, aligned.frame.sourceId)),
        );
        const result = probabilities.then((probs) => toFrameResult(aligned, probs, auNames));
        // Observed later, in order, by concatMap; mark it handled so an early rejection of a
        // later frame is not reported as unhandled meanwhile.
        result.catch(() => undefined);
        return { result, release };
      }),
      concatMap(({ result, release }) => from(result).pipe(finalize(release))),
    );
}

function toFrameResult(
  aligned: AlignedFrame,
  probs: Float32Array[],
  auNames: readonly string[],
): FrameResult {
  const { frame, faces } = aligned;
  return {
    type: 'frame',
    sourceId: frame.sourceId,
    index: frame.index,
    ptsMs: frame.ptsMs,
    capturedAtMs: frame.capturedAtMs,
    width: frame.width,
    height: frame.height,
    status: faces.length > 0 ? 'ok' : 'no-face',
    faces: faces.map(({ face }, i) => ({
      trackId: face.trackId ?? i,
      box: face.box,
      score: face.score,
      keypoints: face.keypoints,
      aus: toValues(auNames, probs[i] as Float32Array),
    })),
  };
}

function toValues(auNames: readonly string[], p: Float32Array): AUValues {
  const values: Record<string, number> = {};
  auNames.forEach((name, i) => (values[name] = p[i] as number));
  return values;
}
