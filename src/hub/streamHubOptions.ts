/**
 * `StreamHub`'s options, their defaults and their checks.
 */
import type { FaceDetector } from '../detector/FaceDetector.js';
import type { FaceDetectorOptions } from '../detector/faceDetectorOptions.js';
import { OptionError } from '../errors.js';
import type { AUInferenceModel } from '../model/auInferenceModel.js';
import type { DetectEventsOptions } from '../operators/detectEvents.js';
import type { InferAUsOptions } from '../operators/inferAUs.js';
import type { LandmarkFacesOptions } from '../operators/landmarkFaces.js';
import type { SmoothAUsOptions } from '../operators/smoothAUs.js';
import { resolveTrackFacesOptions, type TrackFacesOptions } from '../operators/trackFaces.js';
import type { PreviewOptions } from './PreviewEncoder.js';

export interface StreamHubOptions {
  /** The shared model. Required; its lifecycle stays with the caller (`close()` leaves it open). */
  readonly model: AUInferenceModel;
  /** A shared `FaceDetector` (left open on close) or options for the one the hub creates. Defaults to BlazeFace front. */
  readonly detector?: FaceDetector | FaceDetectorOptions;
  /** Tracker options, or `false` for per-frame face indices. Defaults to `{}` (on). */
  readonly track?: TrackFacesOptions | false;
  /** Inference options: `maxHzPerTrack` keeps live CPUs real-time (held results). Defaults to `{}`. */
  readonly infer?: InferAUsOptions;
  /** Smoothing and hysteresis options, or `false`. Defaults to `false` (raw probabilities). */
  readonly smooth?: SmoothAUsOptions | false;
  /** Episode detection options, or `false`. Defaults to `false`. */
  readonly events?: DetectEventsOptions | false;
  /**
   * Face mesh, pose and geometry (`landmarkFaces` options), or `false`. Defaults to `{}` (on).
   * The hub creates one `FaceMesh` for all its sources (unless `mesh` is given, which stays
   * yours), so their faces run in shared batches.
   */
  readonly landmarks?: (LandmarkFacesOptions & { readonly detectEvery?: number }) | false;
  /** Frames per source between the entry and their result before new ones are dropped. Defaults to 2. */
  readonly maxInFlight?: number;
  /**
   * Low-rate JPEG previews of every source on `previews` (about one a second, 320 px wide by
   * default; see `PreviewOptions`), or `false`. Defaults to `false` (no ffmpeg encodes).
   */
  readonly preview?: PreviewOptions | false;
}

const DEFAULTS = {
  track: {},
  infer: {},
  smooth: false,
  events: false,
  landmarks: {},
  maxInFlight: 2,
  preview: false,
} as const;

/** What every source's pipeline is built with. */
export type HubPipelineOptions = Required<Omit<StreamHubOptions, 'detector' | 'preview'>>;

/** Fills defaults and throws `OptionError` naming a bad option. */
export function resolveStreamHubOptions(options: StreamHubOptions): {
  readonly pipeline: HubPipelineOptions;
  readonly preview: PreviewOptions | false;
} {
  const o = { ...DEFAULTS, ...options };
  if (!o.model || typeof o.model.infer !== 'function') {
    throw new OptionError('StreamHub: "model" is required: pass an AUModel (await AUModel.create(path)).');
  }
  if (!Number.isInteger(o.maxInFlight) || o.maxInFlight < 1) {
    throw new OptionError(
      `StreamHub: "maxInFlight" must be an integer >= 1 (frames), got ${String(o.maxInFlight)}.`,
    );
  }
  if (o.track !== false) resolveTrackFacesOptions(o.track);
  const { model, track, infer, smooth, events, landmarks, maxInFlight } = o;
  return { pipeline: { model, track, infer, smooth, events, landmarks, maxInFlight }, preview: o.preview };
}
