/**
 * Turns per-frame eye openness (`geometry`, from `landmarkFaces`) into blinks: one `BlinkEvent`
 * per track each time the eyes close and open again, emitted just before the frame that
 * reopened them (records stay in media-time order, as with `detectEvents`).
 *
 * Openness is the mean of both eyes, compared with the track's own open level, so faces looking
 * down or with narrow eyes are judged against themselves: the highest openness of the track's
 * first `openLevelMs` of media time (so a track first seen mid-blink, or an archive part that
 * starts in one, learns the open level from the frames after it), then a running mean of its
 * openness outside blinks with that time constant. Hysteresis: closed below
 * `closeBelow` x open level, open again above `openAbove` x open level. A closure shorter than
 * `minDurationMs` or longer than `maxDurationMs` (eyes shut, not a blink) is no blink. Frames
 * whose face has no geometry (no mesh) end nothing and count for nothing.
 *
 * ```
 * openness  1  1  .5 .4  1  1      (fractions of the open level)
 * output    f  f  f  f   Bf f      B: { startMs, endMs } of the closed frames
 * ```
 * @see docs/landmarks.md
 */
import { concatMap, defer, type MonoTypeOperatorFunction } from 'rxjs';
import { OptionError } from '../errors.js';
import type { BlinkEvent } from '../types/landmarks.js';
import type { AnalysisRecord, FrameResult } from '../types/result.js';

export interface DetectBlinksOptions {
  /** Closed when openness falls below this fraction of the open level. Defaults to 0.7. */
  readonly closeBelow?: number;
  /** Open again above this fraction of the open level (> closeBelow). Defaults to 0.85. */
  readonly openAbove?: number;
  /** Shortest closure counted as a blink, in media ms (first to last closed frame). Defaults to 0 (one frame). */
  readonly minDurationMs?: number;
  /** Longest closure counted as a blink, in media ms. Defaults to 1000. */
  readonly maxDurationMs?: number;
  /** Time constant of the open-level running mean, in media ms. Defaults to 3000. */
  readonly openLevelMs?: number;
}

const DEFAULTS: Required<DetectBlinksOptions> = {
  closeBelow: 0.7,
  openAbove: 0.85,
  minDurationMs: 0,
  maxDurationMs: 1000,
  openLevelMs: 3000,
};

interface TrackEyes {
  openLevel: number;
  firstMs: number;
  lastMs: number;
  closed?: { startMs: number; lastMs: number; min: number };
}

export function detectBlinks(options?: DetectBlinksOptions): MonoTypeOperatorFunction<AnalysisRecord> {
  const o = { ...DEFAULTS, ...options };
  if (!(o.closeBelow > 0 && o.closeBelow < o.openAbove && o.openAbove <= 1)) {
    throw new OptionError(
      `detectBlinks: need 0 < closeBelow < openAbove <= 1 (fractions of the open level), got closeBelow ${o.closeBelow}, openAbove ${o.openAbove}.`,
    );
  }
  for (const key of ['minDurationMs', 'maxDurationMs', 'openLevelMs'] as const) {
    if (!(o[key] >= 0) || !Number.isFinite(o[key])) {
      throw new OptionError(`detectBlinks: ${key} must be a finite number >= 0 (ms), got ${String(o[key])}.`);
    }
  }
  return (source) =>
    defer(() => {
      const tracks = new Map<string, TrackEyes>();
      return source.pipe(concatMap((r) => (r.type === 'frame' ? [...blinks(r, tracks, o), r] : [r])));
    });
}

function blinks(
  frame: FrameResult,
  tracks: Map<string, TrackEyes>,
  o: Required<DetectBlinksOptions>,
): BlinkEvent[] {
  const out: BlinkEvent[] = [];
  const t = frame.ptsMs;
  for (const face of frame.faces) {
    if (!face.geometry) continue;
    const openness = (face.geometry.rightEyeOpenness + face.geometry.leftEyeOpenness) / 2;
    const key = `${frame.sourceId}\u0000${face.trackId}`;
    const track = tracks.get(key) ?? { openLevel: openness, firstMs: t, lastMs: t };
    if (t - track.firstMs <= o.openLevelMs) track.openLevel = Math.max(track.openLevel, openness);
    tracks.set(key, track);
    const fraction = openness / track.openLevel;
    if (track.closed) {
      if (fraction > o.openAbove) {
        const { startMs, lastMs, min } = track.closed;
        const duration = lastMs - startMs;
        if (duration >= o.minDurationMs && duration <= o.maxDurationMs) {
          out.push({
            type: 'blink',
            sourceId: frame.sourceId,
            trackId: face.trackId,
            startMs,
            endMs: lastMs,
            minOpenFraction: min,
          });
        }
        track.closed = undefined;
      } else {
        track.closed.lastMs = t;
        track.closed.min = Math.min(track.closed.min, fraction);
      }
    } else if (fraction < o.closeBelow) {
      track.closed = { startMs: t, lastMs: t, min: fraction };
    }
    if (!track.closed && t - track.firstMs > o.openLevelMs) {
      // Exponential running mean in media time, started at the learned open level.
      const alpha = o.openLevelMs === 0 ? 1 : 1 - Math.exp(-Math.max(0, t - track.lastMs) / o.openLevelMs);
      track.openLevel += alpha * (openness - track.openLevel);
    }
    track.lastMs = t;
  }
  // Bounded memory: forget tracks of this source unseen for 10 s of media time.
  for (const [key, track] of tracks) {
    if (key.startsWith(`${frame.sourceId}\u0000`) && t - track.lastMs > FORGET_AFTER_MS) tracks.delete(key);
  }
  return out;
}

const FORGET_AFTER_MS = 10_000;
