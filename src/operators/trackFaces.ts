/**
 * Gives every face a `trackId` that stays with the same person for as long as they are seen.
 *
 * Online ByteTrack-style tracking per `sourceId`: a constant-velocity Kalman filter predicts
 * each track's box at the frame's `ptsMs` (media time, so dropped frames and variable frame
 * rates are fine); confident detections (`score >= highScore`) are matched to all tracks by
 * optimal IoU assignment, then weak ones (`lowScore <= score < highScore`) may continue tracks
 * that were visible on the previous frame, which keeps ids through blur and partial occlusion.
 *
 * ```
 * faces:    [A]   [A B]   [B]    [ ]    [A B]    (A occluded for < maxAgeMs)
 * trackId:  [1]   [1 2]   [2]    [ ]    [1 2]
 * ```
 *
 * Output: a new `FrameFaces` per input, with new `Face` objects (`{ ...face, trackId }`, the
 * detector's own box and keypoints) sorted by `trackId`. Every output face has a `trackId`,
 * tentative tracks included, so downstream stages never see an untracked face; a tentative
 * track that is a false positive dies on its first miss, so its id simply stops appearing.
 * Weak detections that continue no track are left out (they are most often false positives).
 * Ids start at 1 per source and are never reused within it. Synchronous: no frame leases.
 *
 * Example
 * ```ts
 * import { fromFile, detectFaces, trackFaces } from 'auformer-stream';
 * fromFile('two-people.mp4').pipe(detectFaces(detector), trackFaces({ maxAgeMs: 2000 }))
 *   .subscribe(({ frame, faces }) => console.log(frame.index, faces.map((f) => f.trackId)));
 * // 0 [1, 2]   1 [1, 2]   ...
 * ```
 * @see docs/tracking.md for the state machine and how to tune the options.
 */
import { defer, map, type OperatorFunction } from 'rxjs';
import { OptionError } from '../errors.js';
import type { FrameFaces } from '../types/pipeline.js';
import { SourceTracker, type TrackerConfig } from './tracking/sourceTracker.js';

export interface TrackFacesOptions {
  /** Detections at or above this score start tracks and are matched first. Defaults to 0.5. */
  readonly highScore?: number;
  /** Detections below this score are ignored. Defaults to 0.1. */
  readonly lowScore?: number;
  /** Least IoU (predicted track box vs detection) for a confident match. Defaults to 0.2. */
  readonly matchIou?: number;
  /** Least IoU for a weak detection to continue a track. Defaults to 0.5. */
  readonly lowMatchIou?: number;
  /** Matched detections (frames) before a tentative track is confirmed. Defaults to 3. */
  readonly minHits?: number;
  /** How long a lost track may be unseen before it is removed, in media ms. Defaults to 1000. */
  readonly maxAgeMs?: number;
}

const DEFAULTS: Required<TrackFacesOptions> = {
  highScore: 0.5,
  lowScore: 0.1,
  matchIou: 0.2,
  lowMatchIou: 0.5,
  minHits: 3,
  maxAgeMs: 1000,
};

/** Resolves and checks `trackFaces` options; throws `OptionError` naming the bad option. */
export function resolveTrackFacesOptions(options?: TrackFacesOptions): TrackerConfig {
  const config = { ...DEFAULTS, ...options };
  const unit = (name: keyof TrackFacesOptions, low: number, lowOpen: boolean): void => {
    const value = config[name];
    if (!(lowOpen ? value > low : value >= low) || !(value <= 1)) {
      throw new OptionError(
        `trackFaces: ${name} must be a number in ${lowOpen ? '(' : '['}${low}, 1], got ${String(value)}.`,
      );
    }
  };
  unit('highScore', 0, false);
  unit('lowScore', 0, false);
  unit('matchIou', 0, true);
  unit('lowMatchIou', 0, true);
  if (config.lowScore > config.highScore) {
    throw new OptionError(
      `trackFaces: lowScore (${config.lowScore}) must not exceed highScore (${config.highScore}).`,
    );
  }
  if (!Number.isInteger(config.minHits) || config.minHits < 1) {
    throw new OptionError(`trackFaces: minHits must be an integer >= 1, got ${String(config.minHits)}.`);
  }
  if (!(config.maxAgeMs >= 0) || !Number.isFinite(config.maxAgeMs)) {
    throw new OptionError(
      `trackFaces: maxAgeMs must be a finite number >= 0 (ms of media time), got ${String(config.maxAgeMs)}.`,
    );
  }
  return config;
}

/** Adds a stable `trackId` to every face; see the module comment for the rules. */
export function trackFaces(options?: TrackFacesOptions): OperatorFunction<FrameFaces, FrameFaces> {
  const config = resolveTrackFacesOptions(options);
  return (source) =>
    defer(() => {
      // Per subscription: two subscribers to the same pipeline never share tracks.
      const trackers = new Map<string, SourceTracker>();
      return source.pipe(
        map(({ frame, faces }) => {
          let tracker = trackers.get(frame.sourceId);
          if (!tracker) {
            tracker = new SourceTracker(config);
            trackers.set(frame.sourceId, tracker);
          }
          return { frame, faces: tracker.step(frame.ptsMs, faces) };
        }),
      );
    });
}
