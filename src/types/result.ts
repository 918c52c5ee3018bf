import type { Box, Point } from './face.js';
import type { BlinkEvent, FaceGeometry, FaceLandmarks, HeadPose } from './landmarks.js';

/**
 * Why a frame has (or has no) faces: `ok` (faces scored), `no-face`, or `dropped` (a live
 * pipeline had no room for it: no faces, but the frame is accounted for). A file that cannot be
 * decoded further ends the stream with `AUF_ERR_DECODE` after every earlier result.
 */
export type FrameStatus = 'ok' | 'no-face' | 'dropped';

/** Per-AU values keyed by AU name (`AU01`, ...). */
export type AUValues = Readonly<Record<string, number>>;

/** One face's results in one frame. */
export interface FaceResult {
  /** Stable id per person within a source when tracking is on (from 1); the face's place in the frame (from 1) otherwise. */
  readonly trackId: number;
  readonly box: Box;
  readonly score: number;
  readonly keypoints: readonly Point[];
  /** Raw AU probabilities from the model, in [0, 1]. */
  readonly aus: AUValues;
  /** True when `aus` were carried over from an earlier frame of this track (rate limiting). */
  readonly held?: boolean;
  /** Smoothed probabilities (set by `smoothAUs`). */
  readonly smoothed?: AUValues;
  /** Stable activation flags after hysteresis (set by `smoothAUs`). */
  readonly active?: Readonly<Record<string, boolean>>;
  /** Running per-track neutral estimate of each AU (set by `baseline`, off by default). */
  readonly baseline?: AUValues;
  /** Value minus `baseline`, in [-1, 1] (set by `baseline`). */
  readonly relative?: AUValues;
  /** The 468-point mesh (set by `landmarkFaces`; file sinks write the 68-point subset by default). */
  readonly landmarks?: FaceLandmarks;
  /** Head rotation in degrees (set by `landmarkFaces`). */
  readonly pose?: HeadPose;
  /** Eye and mouth geometry, not AUs (set by `landmarkFaces`). */
  readonly geometry?: FaceGeometry;
}

/** One record per decoded frame, also when no face was found. */
export interface FrameResult {
  readonly type: 'frame';
  readonly sourceId: string;
  readonly index: number;
  readonly ptsMs: number;
  readonly capturedAtMs: number;
  readonly width: number;
  readonly height: number;
  readonly status: FrameStatus;
  readonly faces: readonly FaceResult[];
}

/**
 * An AU episode of one track, emitted when it closes: from the start of its first active frame to
 * the end of its last (media ms), so `endMs - startMs` is its duration.
 */
export interface AUEvent {
  readonly type: 'event';
  readonly sourceId: string;
  readonly trackId: number;
  readonly au: string;
  readonly startMs: number;
  readonly endMs: number;
  /** `index` of the first and of the last active frame. */
  readonly startIndex: number;
  readonly endIndex: number;
  readonly peakMs: number;
  readonly peakProbability: number;
}

/**
 * What flows into sinks: frame results, interleaved (in media time) with AU events when
 * `detectEvents` is in the pipeline. Sinks pass every record through and write the kinds they
 * handle.
 */
export type AnalysisRecord = FrameResult | AUEvent | BlinkEvent;
