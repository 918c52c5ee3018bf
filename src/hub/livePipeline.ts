/**
 * The per-source pipeline a `StreamHub` runs: detect -> track -> align -> AUFormer (shared
 * model) -> optional smoothing and events, with a bounded number of frames in flight.
 *
 * Live sources hand frames over latest-wins through frame leases, which already keeps their
 * frames in flight bounded. A source that does not (an `Observable<Frame>` built by hand) is
 * bounded here: while `maxInFlight` frames are between the hub's entry and their result, new
 * frames are dropped on arrival (counted in `dropped`, and reported as a `dropped` result), so
 * nothing queues without limit.
 *
 * ```
 * frames    --f0--f1--f2--f3--f4--      (maxInFlight 2, detector slower than the camera)
 * in flight   1   2   2   1   2
 * results   ----------d2--r0--r1--r3-- (f2 dropped at the entry: d2 has status 'dropped')
 * ```
 */
import { type Observable, connect, defer, filter, map, merge, tap } from 'rxjs';
import type { FaceDetector } from '../detector/FaceDetector.js';
import type { AUInferenceModel } from '../model/auInferenceModel.js';
import type { DetectEventsOptions } from '../operators/detectEvents.js';
import type { InferAUsOptions } from '../operators/inferAUs.js';
import type { SmoothAUsOptions } from '../operators/smoothAUs.js';
import type { LandmarkFacesOptions } from '../operators/landmarkFaces.js';
import { frameStages, temporalStages } from '../operators/stages.js';
import type { TrackFacesOptions } from '../operators/trackFaces.js';
import type { Frame } from '../types/frame.js';
import type { AnalysisRecord, FrameResult } from '../types/result.js';
import type { SourceMetricsRecorder } from './sourceMetrics.js';

export interface LivePipelineConfig {
  /** Every record leaves with this `sourceId` (the hub's name for the source). */
  readonly sourceId: string;
  readonly model: AUInferenceModel;
  /** Shared by every source of the hub: it runs one detection at a time. */
  readonly detector: FaceDetector;
  readonly track: TrackFacesOptions | false;
  readonly infer: InferAUsOptions;
  readonly smooth: SmoothAUsOptions | false;
  readonly events: DetectEventsOptions | false;
  /** Mesh options with the hub's shared `FaceMesh`, or `false`. */
  readonly landmarks: (LandmarkFacesOptions & { readonly detectEvery?: number }) | false;
  /** Frames between the entry and their result before new ones are dropped. */
  readonly maxInFlight: number;
  readonly metrics: SourceMetricsRecorder;
}

/**
 * Cold: each subscription subscribes to `frames` and counts its own frames in flight. A frame
 * dropped at the entry still yields a `FrameResult` with `status: 'dropped'` and no faces (it
 * may overtake the results of earlier frames still in flight), so every frame is accounted for.
 */
export function livePipeline(
  frames: Observable<Frame>,
  config: LivePipelineConfig,
): Observable<AnalysisRecord> {
  const { sourceId, model, metrics } = config;
  return defer(() => {
    let inFlight = 0;
    const admit = map((frame: Frame): Admission => {
      metrics.frameIn(frame.index, Date.now());
      const admitted = inFlight < config.maxInFlight;
      if (admitted) inFlight += 1;
      else metrics.droppedByHub();
      return { frame, admitted };
    });
    const score = (admitted: Observable<Admission>): Observable<AnalysisRecord> =>
      admitted.pipe(
        filter((a) => a.admitted),
        map(({ frame }) => frame),
        frameStages(model, config),
        // frameStages emits exactly one FrameResult per frame it was given.
        tap(() => (inFlight -= 1)),
        temporalStages(model, config),
        tap((record) => {
          if (record.type === 'frame') metrics.resultOut(record, Date.now());
        }),
      );
    const report = (admitted: Observable<Admission>): Observable<FrameResult> =>
      admitted.pipe(
        filter((a) => !a.admitted),
        map(({ frame }): FrameResult => ({ ...resultFields(frame), status: 'dropped', faces: [] })),
      );
    // connect: both branches see the one subscription to `frames`.
    return frames
      .pipe(
        admit,
        connect((admitted) => merge(score(admitted), report(admitted))),
      )
      .pipe(map((record) => (record.sourceId === sourceId ? record : { ...record, sourceId })));
  });
}

interface Admission {
  readonly frame: Frame;
  readonly admitted: boolean;
}

function resultFields(frame: Frame): Omit<FrameResult, 'status' | 'faces'> {
  const { sourceId, index, ptsMs, capturedAtMs, width, height } = frame;
  return { type: 'frame', sourceId, index, ptsMs, capturedAtMs, width, height };
}
