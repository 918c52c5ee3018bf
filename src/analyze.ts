/**
 * The one-call API: decode -> detect -> track -> align -> AUFormer -> (smooth -> events), one
 * `FrameResult` per decoded frame (also when no face is found), in media order.
 *
 * ```
 * analyze('talk.mp4')  --r0--r1--r2-- ... --rN--|        r = { type: 'frame', status, faces }
 * with { events: {} }  --r0--r1--e--r2-- ... --rN--e--|  e = { type: 'event', au, startMs, ... }
 * ```
 *
 * @example
 * import { analyze } from 'auformer-stream';
 * analyze('assets/sample/faces.mp4', { source: { fps: 5 } }).subscribe((r) => {
 *   if (r.type === 'frame') console.log(r.index, r.ptsMs, r.faces[0]?.aus.AU12);
 * }); // 0 0 0.43, 1 200 0.45, ...
 * @see docs/api.md
 */
import {
  type MonoTypeOperatorFunction,
  type Observable,
  defer,
  finalize,
  from,
  identity,
  mergeMap,
} from 'rxjs';
import type { FaceDetector } from './detector/FaceDetector.js';
import type { FaceDetectorOptions } from './detector/faceDetectorOptions.js';
import { AUModel, type AUModelOptions } from './model/AUModel.js';
import { DEFAULT_MODEL_PATH } from './model/defaultModel.js';
import { alignFaces } from './operators/alignFaces.js';
import { detectEvents, type DetectEventsOptions } from './operators/detectEvents.js';
import { detectFaces } from './operators/detectFaces.js';
import { inferAUs, type InferAUsOptions } from './operators/inferAUs.js';
import { smoothAUs, type SmoothAUsOptions } from './operators/smoothAUs.js';
import { trackFaces, type TrackFacesOptions } from './operators/trackFaces.js';
import { openInput, type InputOptions } from './sources/openInput.js';
import type { AnalysisRecord } from './types/result.js';

export interface AnalyzeOptions {
  /**
   * An `AUModel` (shared; its lifecycle stays yours) or the path of an AUFormer ONNX file
   * (loaded on subscribe, disposed on teardown). Defaults to the embedded UNTRAINED tiny model.
   */
  readonly model?: AUModel | string;
  /** Options for the model `analyze` loads itself. Defaults to `AUModel`'s. */
  readonly modelOptions?: AUModelOptions;
  /** A shared `FaceDetector`, or options for one. Defaults to BlazeFace front. */
  readonly detector?: FaceDetector | FaceDetectorOptions;
  /** Source options: `fps`, `startMs`, `endMs`, `maxWidth`, ... Defaults to every frame. */
  readonly source?: InputOptions;
  /** Tracker options, or `false` for per-frame face indices. Defaults to `{}` (on). */
  readonly track?: TrackFacesOptions | false;
  /** Inference options (`maxHzPerTrack`). Defaults to scoring every face of every frame. */
  readonly infer?: InferAUsOptions;
  /** Smoothing and hysteresis options, or `false`. Defaults to `false` (raw probabilities). */
  readonly smooth?: SmoothAUsOptions | false;
  /** Episode detection options, or `false`. Defaults to `false`. */
  readonly events?: DetectEventsOptions | false;
}

/** Analyses a video file or URL, an image folder, or a list of images/videos. Cold. */
export function analyze(
  input: string | readonly string[],
  options: AnalyzeOptions = {},
): Observable<AnalysisRecord> {
  const { model = DEFAULT_MODEL_PATH, track = {}, smooth = false, events = false } = options;
  return defer(() =>
    from(typeof model === 'string' ? AUModel.create(model, options.modelOptions) : Promise.resolve(model)),
  ).pipe(
    mergeMap((auModel) => {
      const owned = auModel !== model;
      return openInput(input, { highWaterMark: auModel.maxBatch, ...options.source }).pipe(
        detectFaces(options.detector),
        track === false ? identity : trackFaces(track),
        alignFaces(auModel),
        inferAUs(auModel, options.infer),
        optional(smooth, (o) => smoothAUs({ card: auModel.card, ...o })),
        optional(events, detectEvents),
        finalize(() => {
          if (owned) auModel.dispose().catch((e: unknown) => process.emitWarning(String(e)));
        }),
      );
    }),
  );
}

function optional<O>(
  options: O | false,
  operator: (options: O) => MonoTypeOperatorFunction<AnalysisRecord>,
): MonoTypeOperatorFunction<AnalysisRecord> {
  return options === false ? identity : operator(options);
}
