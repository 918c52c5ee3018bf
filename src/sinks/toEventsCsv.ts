/**
 * Writes AU events (from `detectEvents`) to a CSV file, one row per episode, and passes every
 * record on.
 *
 * Columns: `source_id,track_id,au,start_ms,end_ms,duration_ms,start_frame,end_frame,peak_ms,
 * peak_probability` (times in media ms, 3 decimals, `duration_ms` = `end_ms - start_ms` of the
 * rounded values; `start_frame` / `end_frame`: the first and last active frame, numbered like the
 * per-frame CSV's `frame` column, from 1; probability 5 decimals; RFC 4180 quoting). Rows appear in
 * the order events arrive, i.e. by closing time. The file lifecycle is `recordSink`'s: opened
 * at subscribe time, written synchronously through a small buffer, flushed and closed on
 * complete, error and unsubscribe (SIGINT), so no event that was emitted is lost; write
 * failures are `SinkError` (`AUF_ERR_SINK_WRITE`).
 *
 * Example
 * ```ts
 * import { smoothAUs, detectEvents, toEventsCsv } from 'auformer-stream';
 * results$.pipe(smoothAUs(), detectEvents(), toEventsCsv('events.csv')).subscribe();
 * // events.csv:
 * // source_id,track_id,au,start_ms,end_ms,duration_ms,start_frame,end_frame,peak_ms,peak_probability
 * // clip.mp4,1,AU12,1200,2533.333,1333.333,37,76,1800,0.91234
 * ```
 * @see detectEvents for what an episode is; recordSink for the flush and error rules.
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { OptionError } from '../errors.js';
import type { AnalysisRecord, AUEvent } from '../types/result.js';
import { line } from './csvColumns.js';
import { recordSink } from './recordSink.js';
import { DECIMALS, roundTo } from './roundRecord.js';

export interface EventsCsvOptions {
  /** Rows kept in memory between writes to the file. Defaults to 16 (lines). */
  readonly flushEveryLines?: number;
}

const DEFAULTS: Required<EventsCsvOptions> = { flushEveryLines: 16 };

/** The header row, in column order. */
export const EVENTS_CSV_COLUMNS = [
  'source_id',
  'track_id',
  'au',
  'start_ms',
  'end_ms',
  'duration_ms',
  'start_frame',
  'end_frame',
  'peak_ms',
  'peak_probability',
] as const;

/** Writes every `AUEvent` to `path` (created or truncated) and passes all records on. */
export function toEventsCsv(
  path: string,
  options?: EventsCsvOptions,
): MonoTypeOperatorFunction<AnalysisRecord> {
  const { flushEveryLines } = { ...DEFAULTS, ...options };
  if (typeof path !== 'string' || path.length === 0) {
    throw new OptionError('toEventsCsv: path must be a non-empty file path, e.g. "events.csv".');
  }
  if (!Number.isInteger(flushEveryLines) || flushEveryLines < 1) {
    throw new OptionError(
      `toEventsCsv: flushEveryLines must be an integer >= 1 (lines), got ${flushEveryLines}.`,
    );
  }
  return recordSink({
    path,
    flushEveryLines,
    header: () => [line(EVENTS_CSV_COLUMNS)],
    lines: (record) => (record.type === 'event' ? [eventRow(record)] : []),
  });
}

/** One CSV row for `event`. */
export function eventRow(event: AUEvent): string {
  const ms = (value: number): number => roundTo(value, DECIMALS.milliseconds);
  const [start, end] = [ms(event.startMs), ms(event.endMs)];
  return line([
    event.sourceId,
    event.trackId,
    event.au,
    start,
    end,
    ms(end - start), // of the rounded times, so the three columns always agree
    event.startIndex + 1,
    event.endIndex + 1,
    ms(event.peakMs),
    roundTo(event.peakProbability, DECIMALS.probability),
  ]);
}
