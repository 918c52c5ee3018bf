/**
 * Runs the AU model on every aligned face and emits one `FrameResult` per frame, in order,
 * `status: 'no-face'` included.
 *
 * Frames are handed to the model as they arrive (so crops from consecutive frames, and from
 * other streams sharing the model, fill the same batch) and results are emitted in input
 * order. Faces from `alignFaces` are warped straight into the model's batch tensor, so no crop
 * array is allocated or copied. Each frame stays retained (see frameLease.ts) until its result is out, which bounds
 * how far a file source can run ahead.
 *
 * With `maxHzPerTrack`, each track is scored at most that often (in media time); the faces in
 * between carry the track's last probabilities with `held: true`, so a live pipeline on a CPU
 * stays real-time while offline runs can still score every frame.
 *
 * ```
 * maxHzPerTrack: 10, 30 fps   --s--h--h--s--h--h--s--    s = scored, h = held (last result)
 * ```
 *
 * @example
 * fromFile('talk.mp4').pipe(detectFaces(), trackFaces(), alignFaces(model), inferAUs(model))
 * // -> { type: 'frame', index: 0, status: 'ok', faces: [{ trackId: 1, aus: { AU01: 0.12, ... } }] }
 */
import { type OperatorFunction, concatMap, defer, finalize, from, map } from 'rxjs';
import { OptionError } from '../errors.js';
import type { AUInferenceModel } from '../model/auInferenceModel.js';
import type { AlignedFace, AlignedFrame } from '../types/pipeline.js';
import type { AUValues, FaceResult, FrameResult } from '../types/result.js';
import { deferredWarp } from './alignFaces.js';
import { retainFrame } from './frameLease.js';
import { TrackRateLimiter } from './trackRateLimiter.js';

export interface InferAUsOptions {
  /**
   * Score each track at most this many times per second of media time; needs `trackFaces`
   * upstream (untracked faces are always scored). Defaults to `Infinity` (every frame).
   */
  readonly maxHzPerTrack?: number;
}

export function inferAUs(
  model: AUInferenceModel,
  options: InferAUsOptions = {},
): OperatorFunction<AlignedFrame, FrameResult> {
  const { maxHzPerTrack = Infinity } = options;
  if (!(maxHzPerTrack > 0))
    throw new OptionError(`inferAUs: maxHzPerTrack must be > 0 (Hz), got ${maxHzPerTrack}`);
  const auNames = model.card.auNames;
  const toValues = (p: Float32Array): AUValues =>
    Object.fromEntries(auNames.map((name, i) => [name, p[i] as number]));
  return (source) =>
    defer(() => {
      const limiter = Number.isFinite(maxHzPerTrack) ? new TrackRateLimiter(maxHzPerTrack) : undefined;
      const score = (frame: AlignedFrame['frame'], aligned: AlignedFace): Promise<FaceOutcome> => {
        const { face } = aligned;
        const tracked = face.trackId !== undefined && limiter;
        const held = tracked ? limiter.held(frame.sourceId, face.trackId as number, frame.ptsMs) : undefined;
        if (held) return held.then((aus) => ({ aus, held: true }));
        // Warp straight into the model's batch tensor when alignFaces left the crop unread.
        const writeCrop = deferredWarp(aligned, model.card);
        const probabilities = writeCrop
          ? model.inferWith(writeCrop, frame.sourceId)
          : model.infer(aligned.crop, frame.sourceId);
        const aus = probabilities.then(toValues);
        if (tracked) limiter.scored(frame.sourceId, face.trackId as number, frame.ptsMs, aus);
        return aus.then((values) => ({ aus: values, held: false }));
      };
      return source.pipe(
        map((aligned) => {
          const release = retainFrame(aligned.frame);
          const result = Promise.all(aligned.faces.map((f) => score(aligned.frame, f))).then((outcomes) =>
            toFrameResult(aligned, outcomes),
          );
          // Observed later, in order, by concatMap; mark it handled so an early rejection of a
          // later frame is not reported as unhandled meanwhile.
          result.catch(() => undefined);
          return { result, release };
        }),
        concatMap(({ result, release }) => from(result).pipe(finalize(release))),
      );
    });
}

interface FaceOutcome {
  readonly aus: AUValues;
  readonly held: boolean;
}

function toFrameResult(aligned: AlignedFrame, outcomes: FaceOutcome[]): FrameResult {
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
    faces: faces.map(({ face }, i): FaceResult => {
      const { aus, held } = outcomes[i] as FaceOutcome;
      return {
        trackId: face.trackId ?? i + 1, // untracked: the face's place in the frame, from 1
        box: face.box,
        score: face.score,
        keypoints: face.keypoints,
        ...(face.landmarks ? { landmarks: face.landmarks } : {}),
        ...(face.pose ? { pose: face.pose } : {}),
        ...(face.geometry ? { geometry: face.geometry } : {}),
        aus,
        ...(held ? { held } : {}),
      };
    }),
  };
}
