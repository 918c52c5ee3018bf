/**
 * Per-track statistics of an analysis run (`TrackSummary`): frames, first and last media time,
 * duration, and per AU the mean and max raw probability, the % of frames active and the number
 * of episodes. Fed record by record, so it works on streams of any length in O(tracks x AUs)
 * memory; `toCsv`'s sibling `toTrackSummaryCsv` and `toJsonLines({ summary: true })` write it.
 *
 * Example
 * ```ts
 * const summary = createTrackSummary({ auNames: card.auNames, thresholds: card.thresholds });
 * records.forEach((r) => summary.add(r));
 * summary.tracks(); // [{ sourceId: 'clip.mp4', trackId: 1, frames: 180, durationMs: 6000, aus: {...} }]
 * ```
 */
import type { AnalysisRecord, FaceResult, FrameResult } from '../types/result.js';
import type { AUSummary, TrackSummary } from '../types/summary.js';

export interface TrackSummaryOptions {
  /** AU names in model-card order. */
  readonly auNames: readonly string[];
  /** Thresholds for faces without `active` flags, in `auNames` order. Defaults to 0.5 each. */
  readonly thresholds?: readonly number[];
}

export interface TrackSummaryCollector {
  add(record: AnalysisRecord): void;
  /** The tracks seen so far, in the order they first appeared. */
  tracks(): TrackSummary[];
}

interface TrackStats {
  readonly sourceId: string;
  readonly trackId: number;
  frames: number;
  firstPtsMs: number;
  lastPtsMs: number;
  /** The next frame's pts once seen (the end of the track's last frame). */
  endMs: number | undefined;
  readonly sums: Float64Array;
  readonly maxes: Float64Array;
  readonly activeFrames: Uint32Array;
  readonly episodes: Uint32Array;
}

/** A source's last frame: its time, the pts step before it and the tracks it held. */
interface SourceClock {
  lastPtsMs: number;
  stepMs: number;
  lastTracks: TrackStats[];
}

export function createTrackSummary(options: TrackSummaryOptions): TrackSummaryCollector {
  const { auNames } = options;
  const thresholds = options.thresholds ?? auNames.map(() => 0.5);
  const column = new Map(auNames.map((name, i) => [name, i]));
  const tracks = new Map<string, TrackStats>();
  const clocks = new Map<string, SourceClock>();
  const key = (sourceId: string, trackId: number): string => `${sourceId}\u0000${trackId}`;

  const addFace = (frame: FrameResult, face: FaceResult): void => {
    let t = tracks.get(key(frame.sourceId, face.trackId));
    if (!t) {
      const n = auNames.length;
      t = {
        ...{ sourceId: frame.sourceId, trackId: face.trackId, frames: 0, firstPtsMs: frame.ptsMs },
        ...{ lastPtsMs: frame.ptsMs, endMs: undefined },
        ...{ sums: new Float64Array(n), maxes: new Float64Array(n).fill(-Infinity) },
        ...{ activeFrames: new Uint32Array(n), episodes: new Uint32Array(n) },
      };
      tracks.set(key(frame.sourceId, face.trackId), t);
    }
    Object.assign(t, { frames: t.frames + 1, lastPtsMs: frame.ptsMs, endMs: undefined });
    clocks.get(frame.sourceId)?.lastTracks.push(t);
    auNames.forEach((name, i) => {
      const p = face.aus[name] ?? Number.NaN;
      t.sums[i]! += p;
      t.maxes[i] = Math.max(t.maxes[i]!, p);
      if (face.active?.[name] ?? p >= thresholds[i]!) t.activeFrames[i]! += 1;
    });
  };

  /** Tracks seen in the source's previous frame end where this frame starts. */
  const tick = (frame: FrameResult): void => {
    const clock = clocks.get(frame.sourceId);
    if (!clock) {
      clocks.set(frame.sourceId, { lastPtsMs: frame.ptsMs, stepMs: 0, lastTracks: [] });
      return;
    }
    if (frame.ptsMs > clock.lastPtsMs) {
      clock.stepMs = frame.ptsMs - clock.lastPtsMs;
      for (const t of clock.lastTracks) t.endMs = frame.ptsMs;
    }
    Object.assign(clock, { lastPtsMs: frame.ptsMs, lastTracks: [] });
  };

  return {
    add(record) {
      if (record.type === 'event') {
        const i = column.get(record.au);
        const t = tracks.get(key(record.sourceId, record.trackId));
        if (t && i !== undefined) t.episodes[i]! += 1;
        return;
      }
      if (record.type !== 'frame') return;
      tick(record);
      for (const face of record.faces) addFace(record, face);
    },
    tracks() {
      return [...tracks.values()].map((t) => {
        const endMs = t.endMs ?? t.lastPtsMs + (clocks.get(t.sourceId)?.stepMs ?? 0);
        const aus: Record<string, AUSummary> = {};
        auNames.forEach((name, i) => {
          aus[name] = {
            mean: t.sums[i]! / t.frames,
            max: t.maxes[i]!,
            activePct: (100 * t.activeFrames[i]!) / t.frames,
            episodes: t.episodes[i]!,
          };
        });
        return {
          ...{ sourceId: t.sourceId, trackId: t.trackId, frames: t.frames },
          ...{ firstPtsMs: t.firstPtsMs, lastPtsMs: t.lastPtsMs, durationMs: endMs - t.firstPtsMs, aus },
        };
      });
    },
  };
}
