/**
 * Rounds the numbers of a record for output files, on a copy.
 *
 * Model outputs carry float32 noise far below anything meaningful; rounding keeps files small
 * and diffs readable without losing information: probabilities and scores to 1e-5 (finer than
 * any threshold), pixels to 0.1 px (sub-pixel keypoints), times to 1 µs. Fields this module
 * does not know pass through unchanged, so later additions to the types are never dropped.
 */
import type { Point } from '../types/face.js';
import type { AnalysisRecord, AUEvent, AUValues, FaceResult, FrameResult } from '../types/result.js';
import type { TrackSummary } from '../types/summary.js';

/** Decimal places per unit, shared by every file sink (documented in docs/output-formats.md). */
export const DECIMALS = {
  /** Probabilities, smoothed probabilities and detector scores in [0, 1]. */
  probability: 5,
  /** Positions and sizes in pixels. */
  pixels: 1,
  /** Media and wall-clock times in milliseconds. */
  milliseconds: 3,
  /** OpenFace's `timestamp` column, in seconds. */
  seconds: 3,
  /** Head pose in radians (CSV `pose_R*`): 1e-4 rad is 0.006 degrees. */
  radians: 4,
  /** Head pose in degrees (JSONL `pose`). */
  degrees: 2,
  /** Geometry ratios (eye and mouth openness over the inter-ocular distance). */
  ratio: 4,
} as const;

/**
 * Rounds `value` to `decimals` places. `Math.round(v * 10^d) / 10^d` is the double nearest
 * the decimal result, so `String()` and `JSON.stringify` print it without float noise.
 * Non-finite values pass through (JSON writes them as null).
 */
export function roundTo(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** decimals;
  const rounded = Math.round(value * scale) / scale;
  return rounded === 0 ? 0 : rounded; // no "-0" in files
}

/** A copy of `record` with every known number rounded per `DECIMALS`. */
export function roundRecord(record: AnalysisRecord): AnalysisRecord {
  if (record.type === 'blink') {
    return {
      ...record,
      startMs: ms(record.startMs),
      endMs: ms(record.endMs),
      minOpenFraction: roundTo(record.minOpenFraction, DECIMALS.ratio),
    };
  }
  return record.type === 'frame' ? roundFrame(record) : roundEvent(record);
}

function roundFrame(frame: FrameResult): FrameResult {
  return {
    ...frame,
    ptsMs: ms(frame.ptsMs),
    capturedAtMs: ms(frame.capturedAtMs),
    faces: frame.faces.map(roundFace),
  };
}

function roundFace(face: FaceResult): FaceResult {
  return {
    ...face,
    box: {
      ...face.box,
      x: px(face.box.x),
      y: px(face.box.y),
      width: px(face.box.width),
      height: px(face.box.height),
    },
    score: prob(face.score),
    keypoints: face.keypoints.map((p: Point) => ({ ...p, x: px(p.x), y: px(p.y) })),
    aus: roundValues(face.aus),
    ...(face.smoothed === undefined ? {} : { smoothed: roundValues(face.smoothed) }),
  };
}

/** A copy of a track summary, rounded like the records it sums up (percentages to 0.01). */
export function roundSummary(track: TrackSummary): TrackSummary {
  const aus = Object.entries(track.aus).map(([name, a]) => [
    name,
    { ...a, mean: prob(a.mean), max: prob(a.max), activePct: roundTo(a.activePct, 2) },
  ]);
  return {
    ...track,
    ...{ firstPtsMs: ms(track.firstPtsMs), lastPtsMs: ms(track.lastPtsMs), durationMs: ms(track.durationMs) },
    aus: Object.fromEntries(aus) as TrackSummary['aus'],
  };
}

function roundEvent(event: AUEvent): AUEvent {
  return {
    ...event,
    startMs: ms(event.startMs),
    endMs: ms(event.endMs),
    peakMs: ms(event.peakMs),
    peakProbability: prob(event.peakProbability),
  };
}

function roundValues(values: AUValues): AUValues {
  return Object.fromEntries(Object.entries(values).map(([name, v]) => [name, prob(v)]));
}

const prob = (v: number): number => roundTo(v, DECIMALS.probability);
const px = (v: number): number => roundTo(v, DECIMALS.pixels);
const ms = (v: number): number => roundTo(v, DECIMALS.milliseconds);
