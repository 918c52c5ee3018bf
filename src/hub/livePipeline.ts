/**
 * The per-source pipeline a `StreamHub` runs: detect -> track -> align -> AUFormer (shared
 * model) -> optional smoothing and events, with a bounded number of frames in flight.
 *
 * Live sources hand frames over latest-wins through frame leases, which already keeps their
 * frames in flight bounded. A source that does not (an `Observable<Frame>` built by hand) is
 * bounded here: while `maxInFlight` frames are between the hub's entry and their result, new
 * frames are dropped on arrival (counted in `dropped`), so nothing queues without limit.
 *
 * ```
 * frames    --f0--f1--f2--f3--f4--      (maxInFlight 2, detector slower than the camera)
 * in flight   1   2   2   1   2
 * results   --------r0------r1--r3--   (f2 dropped at the entry)
 * ```
 */
import { type Observable, defer, filter, map, tap } from 'rxjs';
import type { FaceDetector } from '../detector/FaceDetector.js';
import type { AUModel } from '../model/AUModel.js';
import type { DetectEventsOptions } from '../operators/detectEvents.js';
import type { InferAUsOptions } from '../operators/inferAUs.js';
import type { SmoothAUsOptions } from '../operators/smoothAUs.js';
import { frameStages, temporalStages } from '../operators/stages.js';
import type { TrackFacesOptions } from '../operators/trackFaces.js';
import type { Frame } from '../types/frame.js';
import type { AnalysisRecord } from '../types/result.js';
import type { SourceMetricsRecorder } from './sourceMetrics.js';

export interface LivePipelineConfig {
  /** Every record leaves with this `sourceId` (the hub's name for the source). */
  readonly sourceId: string;
  readonly model: AUModel;
  /** Shared by every source of the hub: it runs one detection at a time. */
  readonly detector: FaceDetector;
  readonly track: TrackFacesOptions | false;
  readonly infer: InferAUsOptions;
  readonly smooth: SmoothAUsOptions | false;
  readonly events: DetectEventsOptions | false;
  /** Frames between the entry and their result before new ones are dropped. */
  readonly maxInFlight: number;
  readonly metrics: SourceMetricsRecorder;
}

/** Cold: each subscription subscribes to `frames` and counts its own frames in flight. */
export function livePipeline(
  frames: Observable<Frame>,
  config: LivePipelineConfig,
): Observable<AnalysisRecord> {
  const { sourceId, model, metrics } = config;
  return defer(() => {
    let inFlight = 0;
    return frames
      .pipe(
        filter((frame) => {
          metrics.frameIn(frame.index, Date.now());
          if (inFlight >= config.maxInFlight) {
            metrics.droppedByHub();
            return false;
          }
          inFlight += 1;
          return true;
        }),
        frameStages(model, config),
        // frameStages emits exactly one FrameResult per frame it was given.
        tap(() => (inFlight -= 1)),
      )
      .pipe(
        temporalStages(model, config),
        map((record) => (record.sourceId === sourceId ? record : { ...record, sourceId })),
        tap((record) => {
          if (record.type === 'frame') metrics.resultOut(record, Date.now());
        }),
      );
  });
}
