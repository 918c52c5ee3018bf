/**
 * The two halves of every AU pipeline, shared by `analyze` (offline) and the `StreamHub` (live):
 * per-frame stages (detect -> track -> align -> AUFormer) and temporal stages over results
 * (smoothing, hysteresis, events).
 */
import { type MonoTypeOperatorFunction, type OperatorFunction, identity, pipe } from 'rxjs';
import type { FaceDetector } from '../detector/FaceDetector.js';
import type { FaceDetectorOptions } from '../detector/faceDetectorOptions.js';
import type { AUInferenceModel } from '../model/auInferenceModel.js';
import type { Frame } from '../types/frame.js';
import type { AnalysisRecord, FrameResult } from '../types/result.js';
import { alignFaces } from './alignFaces.js';
import { detectBlinks, type DetectBlinksOptions } from './detectBlinks.js';
import { detectEvents, type DetectEventsOptions } from './detectEvents.js';
import { detectFaces } from './detectFaces.js';
import { detectWithMesh } from './detectWithMesh.js';
import { inferAUs, type InferAUsOptions } from './inferAUs.js';
import { landmarkFaces, type LandmarkFacesOptions } from './landmarkFaces.js';
import { OptionError } from '../errors.js';
import { smoothAUs, type SmoothAUsOptions } from './smoothAUs.js';
import { trackFaces, type TrackFacesOptions } from './trackFaces.js';

export interface FrameStagesOptions {
  /** A shared `FaceDetector`, or options for one owned by the pipeline. Defaults to BlazeFace front. */
  readonly detector?: FaceDetector | FaceDetectorOptions;
  /** Tracker options, or `false` for per-frame face indices. Defaults to `{}` (on). */
  readonly track?: TrackFacesOptions | false;
  /**
   * Face mesh, head pose and eye/mouth geometry on every face (`landmarkFaces` options), or
   * `false` to skip them. Defaults to `{}` (on). A model whose card aligns from the mesh
   * (`keypointSource: 'mesh'`) needs them on. With `detectEvery` > 1 the detector runs on every
   * Nth frame only and faces are followed by their mesh in between (`detectWithMesh`); defaults
   * to 1 (detect every frame).
   */
  readonly landmarks?: (LandmarkFacesOptions & { readonly detectEvery?: number }) | false;
  /** Inference options (`maxHzPerTrack`). Defaults to scoring every face of every frame. */
  readonly infer?: InferAUsOptions;
}

export interface TemporalStagesOptions {
  /** Smoothing and hysteresis options, or `false`. Defaults to `false` (raw probabilities). */
  readonly smooth?: SmoothAUsOptions | false;
  /** Episode detection options, or `false`. Defaults to `false`. */
  readonly events?: DetectEventsOptions | false;
  /**
   * Blink detection from the mesh's eye openness (`detectBlinks` options), or `false`.
   * Defaults to on exactly when `events` is on (blinks are written like AU episodes).
   */
  readonly blinks?: DetectBlinksOptions | false;
}

/** detect -> track -> landmarks -> align -> AUFormer: one `FrameResult` per frame. */
export function frameStages(
  model: AUInferenceModel,
  options: FrameStagesOptions = {},
): OperatorFunction<Frame, FrameResult> {
  const { track = {}, landmarks = {} } = options;
  if (landmarks === false && model.card.keypointSource === 'mesh') {
    throw new OptionError(
      `Model '${model.card.name}' aligns faces from the face mesh (keypoint_source 'mesh'): landmarks cannot be turned off (drop landmarks: false / --no-landmarks).`,
    );
  }
  const tracked = track === false ? identity : trackFaces(track);
  const faces =
    landmarks !== false && (landmarks.detectEvery ?? 1) > 1
      ? pipe(
          detectWithMesh({ ...landmarks, ...(options.detector ? { detector: options.detector } : {}) }),
          tracked,
        )
      : pipe(
          detectFaces(options.detector),
          tracked,
          landmarks === false ? identity : landmarkFaces(landmarks),
        );
  return pipe(faces, alignFaces(model), inferAUs(model, options.infer));
}

/** smoothing (with the model card's thresholds) -> events, each when asked for. */
export function temporalStages(
  model: AUInferenceModel,
  options: TemporalStagesOptions = {},
): MonoTypeOperatorFunction<AnalysisRecord> {
  const { smooth = false, events = false } = options;
  const blinks = options.blinks ?? (events === false ? false : {});
  return pipe(
    smooth === false ? identity : smoothAUs({ card: model.card, ...smooth }),
    events === false ? identity : detectEvents(events),
    blinks === false ? identity : detectBlinks(blinks),
  );
}
