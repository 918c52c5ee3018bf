/**
 * Per-track sampling for `inferAUs({ maxHzPerTrack })`: decides, in media time, whether a face
 * is scored by the model or carries its track's last result (marked `held`).
 */
import type { AUValues } from '../types/result.js';

interface Sample {
  /** Media time of the last scored frame of this track. */
  readonly ptsMs: number;
  /** Its result (pending while the model works on it). */
  readonly aus: Promise<AUValues>;
}

/** Tracks unseen for this long (media ms) are forgotten, so state stays bounded. */
const FORGET_AFTER_MS = 10_000;

export class TrackRateLimiter {
  private readonly samples = new Map<string, Sample & { seenMs: number }>();
  private readonly periodMs: number;

  constructor(maxHz: number) {
    this.periodMs = 1000 / maxHz;
  }

  /** The last result to reuse for this track at `ptsMs`, or undefined when it is due for scoring. */
  held(sourceId: string, trackId: number, ptsMs: number): Promise<AUValues> | undefined {
    const key = `${sourceId}\u0000${trackId}`;
    const last = this.samples.get(key);
    if (!last || ptsMs - last.ptsMs >= this.periodMs || ptsMs < last.ptsMs) return undefined;
    last.seenMs = ptsMs;
    return last.aus;
  }

  /** Records that this track was scored at `ptsMs`. */
  scored(sourceId: string, trackId: number, ptsMs: number, aus: Promise<AUValues>): void {
    this.samples.set(`${sourceId}\u0000${trackId}`, { ptsMs, aus, seenMs: ptsMs });
    for (const [key, s] of this.samples) {
      if (ptsMs - s.seenMs > FORGET_AFTER_MS) this.samples.delete(key);
    }
  }
}
