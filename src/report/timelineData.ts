/**
 * Per-track AU time series gathered from analysis records: what a timeline plot needs, and
 * nothing else (no boxes, no keypoints).
 *
 * Fed live (`auformer analyze --plot`) or from a JSONL file (`readTimelineJsonl`). Memory grows
 * with the run: per face and frame one time and one value per AU (8 bytes each), about 10 MB
 * for an hour of one face at 30 fps with 12 AUs.
 */
import type { AnalysisRecord } from '../types/result.js';

/** One track's samples, in arrival (media) order. */
export interface TrackSeries {
  readonly sourceId: string;
  readonly trackId: number;
  /** Sample times, ms of media time. */
  readonly timesMs: number[];
  /** Per AU (in `auNames` order): the probability at each sample (smoothed when present). */
  readonly values: number[][];
  /** Per AU: whether it was active at each sample (`active` flags, else p >= threshold). */
  readonly active: boolean[][];
}

export interface TimelineData {
  readonly auNames: readonly string[];
  readonly tracks: readonly TrackSeries[];
}

export interface TimelineCollector {
  /** Adds a record's faces (events and other kinds are ignored). */
  add(record: AnalysisRecord): void;
  /** The series so far, tracks ordered by source then track id. */
  data(): TimelineData;
}

/** `thresholds` (per AU, in `auNames` order) decide activity for faces without `active` flags; default 0.5. */
export function createTimelineCollector(
  auNames: readonly string[],
  thresholds: readonly number[] = [],
): TimelineCollector {
  const tracks = new Map<string, TrackSeries>();
  return {
    add(record) {
      if (record.type !== 'frame') return;
      for (const face of record.faces) {
        const key = `${record.sourceId}\u0000${face.trackId}`;
        let series = tracks.get(key);
        if (!series) {
          series = {
            sourceId: record.sourceId,
            trackId: face.trackId,
            timesMs: [],
            values: auNames.map(() => []),
            active: auNames.map(() => []),
          };
          tracks.set(key, series);
        }
        series.timesMs.push(record.ptsMs);
        const values = face.smoothed ?? face.aus;
        auNames.forEach((au, i) => {
          const p = values[au] ?? Number.NaN;
          series.values[i]!.push(p);
          series.active[i]!.push(face.active?.[au] ?? p >= (thresholds[i] ?? 0.5));
        });
      }
    },
    data() {
      const sorted = [...tracks.values()].sort((a, b) =>
        a.sourceId === b.sourceId ? a.trackId - b.trackId : a.sourceId < b.sourceId ? -1 : 1,
      );
      return { auNames, tracks: sorted };
    },
  };
}
