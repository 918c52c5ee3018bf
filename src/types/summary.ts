/** One AU's statistics over a track's frames. */
export interface AUSummary {
  /** Mean raw probability over the track's frames, in [0, 1]. */
  readonly mean: number;
  /** Highest raw probability. */
  readonly max: number;
  /** Share of the track's frames with the AU active (`active` flag, else p >= threshold), in %. */
  readonly activePct: number;
  /** AU episodes (`AUEvent`s) of the track; 0 when the pipeline has no `detectEvents`. */
  readonly episodes: number;
}

/**
 * What an analyst computes by hand from a per-frame table, per face track: how long it was seen
 * and, per AU, how strongly and how often the AU was present.
 */
export interface TrackSummary {
  readonly sourceId: string;
  readonly trackId: number;
  /** Frames of the source in which the track was seen. */
  readonly frames: number;
  /** Media time of its first and last frame, in ms. */
  readonly firstPtsMs: number;
  readonly lastPtsMs: number;
  /** From the start of its first frame to the end of its last one (the next frame's pts), in ms. */
  readonly durationMs: number;
  readonly aus: Readonly<Record<string, AUSummary>>;
}
