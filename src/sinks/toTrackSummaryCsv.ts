/**
 * Writes one row per face track when the stream ends (`TrackSummary`: frames, first and last
 * `ptsMs`, duration, and per AU mean, max, % active and episodes), passing every record on.
 *
 * Columns: `source_id,track_id,frames,first_pts_ms,last_pts_ms,duration_ms`, then `AUxx_mean`
 * for every AU, then `AUxx_max`, `AUxx_active_pct` and `AUxx_episodes` (grouped by kind, like
 * the per-frame CSV). The file is written on completion, error and unsubscribe (SIGINT), so an
 * interrupted run still sums up what it computed; write failures are `SinkError`s.
 *
 * Example
 * ```ts
 * import { analyze, toTrackSummaryCsv } from 'auformer-stream';
 * analyze('clip.mp4', { events: {} })
 *   .pipe(toTrackSummaryCsv('tracks.csv', { auNames: card.auNames, thresholds: card.thresholds }))
 *   .subscribe();
 * // source_id,track_id,frames,first_pts_ms,last_pts_ms,duration_ms,AU01_mean,...,AU01_episodes,...
 * // clip.mp4,1,180,0,5966.667,6000,0.41234,...,2,...
 * ```
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { OptionError } from '../errors.js';
import {
  createTrackSummary,
  type TrackSummaryCollector,
  type TrackSummaryOptions,
} from '../report/trackSummary.js';
import type { AnalysisRecord } from '../types/result.js';
import type { TrackSummary } from '../types/summary.js';
import { line } from './csvColumns.js';
import { recordSink } from './recordSink.js';
import { roundSummary } from './roundRecord.js';

export type TrackSummaryCsvOptions = TrackSummaryOptions;

const STATS = [
  ['mean', 'mean'],
  ['max', 'max'],
  ['active_pct', 'activePct'],
  ['episodes', 'episodes'],
] as const;

/** Column names in file order. */
export function trackSummaryColumns(auNames: readonly string[]): string[] {
  const fixed = ['source_id', 'track_id', 'frames', 'first_pts_ms', 'last_pts_ms', 'duration_ms'];
  return [...fixed, ...STATS.flatMap(([suffix]) => auNames.map((au) => `${au}_${suffix}`))];
}

export function toTrackSummaryCsv(
  path: string,
  options: TrackSummaryCsvOptions,
): MonoTypeOperatorFunction<AnalysisRecord> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new OptionError('toTrackSummaryCsv: path must be a non-empty file path, e.g. "tracks.csv".');
  }
  const { auNames } = options;
  if (!Array.isArray(auNames) || auNames.length === 0) {
    throw new OptionError("toTrackSummaryCsv: auNames must list the model's AU names (model.card.auNames).");
  }
  let summary: TrackSummaryCollector | undefined; // one per subscription, made with the header
  return recordSink({
    path,
    flushEveryLines: 64,
    header: () => {
      summary = createTrackSummary(options);
      return [line(trackSummaryColumns(auNames))];
    },
    lines: (record) => {
      summary?.add(record);
      return [];
    },
    footer: () => (summary?.tracks() ?? []).map((t) => summaryRow(roundSummary(t), auNames)),
  });
}

function summaryRow(t: TrackSummary, auNames: readonly string[]): string {
  const stats = STATS.flatMap(([, field]) => auNames.map((au) => t.aus[au]?.[field] ?? ''));
  return line([t.sourceId, t.trackId, t.frames, t.firstPtsMs, t.lastPtsMs, t.durationMs, ...stats]);
}
