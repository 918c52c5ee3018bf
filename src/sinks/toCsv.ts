/**
 * Writes frame results to a CSV file, one row per face per frame.
 *
 * The default `auformer` style starts with columns named as in OpenFace 2.2 (`frame, face_id,
 * timestamp, confidence, success`); then the source, the face box,
 * BlazeFace's keypoints and, per AU, the probability (`AUxx_p`), the 0/1 activation (`AUxx_c`)
 * and optionally the smoothed probability (`AUxx_s`). A frame without faces still gets a row
 * (`face_id` -1, `success` 0) so frame counts match the video. Events are passed on, not
 * written. Every column, with units: docs/output-formats.md.
 *
 * ```
 * records  --f1--e--f2--|      (f = FrameResult, e = AUEvent)
 * output   --f1--e--f2--|      (unchanged, completes after the file is closed)
 * file     header, rows(f1), rows(f2)
 * ```
 *
 * Example
 * ```ts
 * import { analyze, toCsv } from 'auformer-stream';
 * analyze('clip.mp4').pipe(toCsv('clip.csv', { auNames: model.card.auNames })).subscribe();
 * // clip.csv: frame,face_id,timestamp,confidence,success,source_id,...,AU01_p,...,AU01_c,...
 * //           1,0,0,0.98123,1,clip.mp4,0,ok,0,412.3,188,...,0.07311,...,0,...
 * ```
 *
 * Parent directories are not created: a missing one is a `SinkError` at subscribe time, as is
 * any other unwritable path, rather than a file appearing somewhere unexpected.
 *
 * `style: 'openface'` writes OpenFace 2.2's own layout instead, limited to the columns that can be
 * filled honestly (see openFaceCsv.ts; no `AUxx_r` intensities).
 *
 * @see toJsonLines for the full records and AU events; recordSink for flush and error rules.
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { OptionError } from '../errors.js';
import type { AnalysisRecord } from '../types/result.js';
import { csvColumns, csvRows, line, type CsvLayout, type CsvStyle } from './csvColumns.js';
import { openFaceHeader, openFaceRows } from './openFaceCsv.js';
import { recordSink } from './recordSink.js';

export interface CsvOptions {
  /** AU names in model-card order (`model.card.auNames`); one column per AU and kind. Required. */
  readonly auNames: readonly string[];
  /**
   * Probability thresholds for `AUxx_c` when a face has no `active` flags (from `smoothAUs`),
   * in `auNames` order. Defaults to 0.5 for every AU (pass `model.card.thresholds` to follow
   * the model).
   */
  readonly thresholds?: readonly number[];
  /** Adds the `AUxx_s` columns (smoothed probability from `smoothAUs`). Defaults to false. */
  readonly smoothed?: boolean;
  /**
   * Adds the landmark, pose and geometry columns (`pose_Rx..`, `x_0..x_67`, `y_0..y_67`; empty
   * for faces without a mesh) after the AU columns. Defaults to false (header-compatible with
   * earlier files); `auformer analyze` turns it on unless `--no-landmarks`.
   */
  readonly landmarks?: boolean;
  /** Rows kept in memory between writes to the file. Defaults to 64 (lines). */
  readonly flushEveryLines?: number;
  /**
   * Column layout: `auformer` (every field, documented in docs/output-formats.md) or `openface`
   * (OpenFace 2.2's `RecorderCSV` columns that can be filled honestly, `, ` separated). Defaults
   * to `auformer`.
   */
  readonly style?: CsvStyle;
}

const DEFAULTS = {
  threshold: 0.5,
  smoothed: false,
  landmarks: false,
  flushEveryLines: 64,
  style: 'auformer',
} as const;
const STYLES: readonly CsvStyle[] = ['auformer', 'openface'];

/** Writes every `FrameResult` to `path` (created or truncated) and passes all records on. */
export function toCsv(path: string, options: CsvOptions): MonoTypeOperatorFunction<AnalysisRecord> {
  const layout = csvLayout(path, options);
  const flushEveryLines = options.flushEveryLines ?? DEFAULTS.flushEveryLines;
  if (!Number.isInteger(flushEveryLines) || flushEveryLines < 1) {
    throw new OptionError(
      `toCsv: flushEveryLines must be an integer >= 1 (lines), got ${String(flushEveryLines)}.`,
    );
  }
  const openface = layout.style === 'openface';
  const header = [openface ? openFaceHeader(layout) : line(csvColumns(layout))];
  const rows = openface ? openFaceRows : csvRows;
  return recordSink({
    path,
    flushEveryLines,
    header: () => header,
    lines: (record) => (record.type === 'frame' ? rows(record, layout) : []),
  });
}

function csvLayout(path: string, options: CsvOptions): CsvLayout {
  if (typeof path !== 'string' || path.length === 0) {
    throw new OptionError('toCsv: path must be a non-empty file path, e.g. "results.csv".');
  }
  const { auNames } = options;
  if (!Array.isArray(auNames) || auNames.length === 0) {
    throw new OptionError("toCsv: auNames must list the model's AU names (model.card.auNames).");
  }
  if (new Set(auNames).size !== auNames.length) {
    throw new OptionError(`toCsv: auNames must be unique, got ${auNames.join(', ')}.`);
  }
  const thresholds = options.thresholds ?? auNames.map(() => DEFAULTS.threshold);
  if (thresholds.length !== auNames.length || !thresholds.every((t) => t >= 0 && t <= 1)) {
    throw new OptionError(
      `toCsv: thresholds must hold ${auNames.length} numbers in [0, 1] (one per entry of ` +
        `auNames), got [${thresholds.join(', ')}].`,
    );
  }
  const style = options.style ?? DEFAULTS.style;
  if (!STYLES.includes(style)) {
    throw new OptionError(`toCsv: style must be one of ${STYLES.join(', ')}, got '${String(style)}'.`);
  }
  return {
    auNames,
    thresholds,
    smoothed: options.smoothed ?? DEFAULTS.smoothed,
    style,
    landmarks: options.landmarks ?? DEFAULTS.landmarks,
  };
}
