/**
 * Writes every record to a JSON Lines file: a header line, then one line per frame result and
 * per AU event, in arrival order.
 *
 * JSONL keeps everything the pipeline computed (all faces, keypoints, raw and smoothed AU
 * values, activation flags, events) in a form that streams: each line parses on its own, so a
 * run that was interrupted still leaves a readable file. Numbers are rounded (probabilities
 * 1e-5, pixels 0.1, milliseconds 1e-3; see `DECIMALS`); every field, with units:
 * docs/output-formats.md.
 *
 * ```
 * records  --f1--e--f2--|      (f = FrameResult, e = AUEvent)
 * output   --f1--e--f2--|      (unchanged, completes after the file is closed)
 * file     {"type":"header",...} f1 e f2
 * ```
 *
 * Example
 * ```ts
 * import { analyze, toJsonLines } from 'auformer-stream';
 * analyze('clip.mp4')
 *   .pipe(toJsonLines('clip.jsonl', { header: () => ({ model: model.card, sources: [info] }) }))
 *   .subscribe();
 * // {"type":"header","schemaVersion":1,"createdAt":"2025-...","model":{...},"sources":[...]}
 * // {"type":"frame","sourceId":"clip.mp4","index":0,"ptsMs":0,...,"faces":[...]}
 * ```
 *
 * Parent directories are not created: a missing one is a `SinkError` at subscribe time.
 *
 * @see toCsv for a table (OpenFace 2.2 layout with `style: 'openface'`); recordSink for flush and error rules.
 */
import type { MonoTypeOperatorFunction } from 'rxjs';
import { OptionError } from '../errors.js';
import type { AnalysisRecord } from '../types/result.js';
import { jsonLinesHeader, type JsonLinesHeaderInput } from './jsonLinesHeader.js';
import { recordSink } from './recordSink.js';
import { landmarksForFile, type MeshPointCount } from './landmarkRecord.js';
import { roundRecord, roundSummary } from './roundRecord.js';
import { createTrackSummary, type TrackSummaryCollector } from '../report/trackSummary.js';

export interface JsonLinesOptions {
  /**
   * The header's model card, sources and settings, or a function returning them. The function
   * is called once, when the header is written: just before the first record (or at the end
   * of an empty run), so sources that are only probed at subscribe time can be listed.
   * Required.
   */
  readonly header: JsonLinesHeaderInput | (() => JsonLinesHeaderInput);
  /**
   * Rounds numbers per `DECIMALS` (probabilities 1e-5, pixels 0.1, ms 1e-3). Defaults to true;
   * false writes full float64 precision.
   */
  readonly round?: boolean;
  /** Lines kept in memory between writes to the file. Defaults to 64 (lines). */
  readonly flushEveryLines?: number;
  /**
   * Ends the file with a `{"type":"summary","tracks":[TrackSummary...]}` line: per track frames,
   * duration and per-AU mean, max, % active and episodes (docs/output-formats.md). Written
   * however the run ends (also after an error or SIGINT: it sums up the lines above it).
   * Defaults to false.
   */
  readonly summary?: boolean;
  /**
   * Mesh points written per face: 68 (OpenFace's 68-point scheme, from the documented map) or
   * all 468 (MediaPipe order). Defaults to 68.
   */
  readonly meshPoints?: MeshPointCount;
}

const DEFAULTS = {
  meshPoints: 68,
  round: true,
  flushEveryLines: 64,
} as const;

/** Writes the header and every record to `path` (created or truncated); passes records on. */
export function toJsonLines(
  path: string,
  options: JsonLinesOptions,
): MonoTypeOperatorFunction<AnalysisRecord> {
  const header = options.header;
  const round = options.round ?? DEFAULTS.round;
  const flushEveryLines = options.flushEveryLines ?? DEFAULTS.flushEveryLines;
  const meshPoints = options.meshPoints ?? DEFAULTS.meshPoints;
  if (meshPoints !== 68 && meshPoints !== 468) {
    throw new OptionError(`toJsonLines: meshPoints must be 68 or 468, got ${String(meshPoints)}.`);
  }
  if (typeof path !== 'string' || path.length === 0) {
    throw new OptionError('toJsonLines: path must be a non-empty file path, e.g. "results.jsonl".');
  }
  if (typeof header !== 'function' && (typeof header !== 'object' || header === null)) {
    throw new OptionError(
      'toJsonLines: header is required: { model: model.card, sources: [sourceInfo] } or a ' +
        'function returning it.',
    );
  }
  if (!Number.isInteger(flushEveryLines) || flushEveryLines < 1) {
    throw new OptionError(
      `toJsonLines: flushEveryLines must be an integer >= 1 (lines), got ${String(flushEveryLines)}.`,
    );
  }
  let summary: TrackSummaryCollector | undefined;
  return recordSink({
    path,
    flushEveryLines,
    header: () => {
      const input = typeof header === 'function' ? header() : header;
      const written = jsonLinesHeader(input, Date.now());
      if (options.summary === true) {
        const { auNames, thresholds } = written.model;
        summary = createTrackSummary({ auNames, thresholds });
      }
      return [JSON.stringify(written)];
    },
    lines: (record) => {
      summary?.add(record);
      const out = landmarksForFile(record, meshPoints, round);
      return [JSON.stringify(round ? roundRecord(out) : out)];
    },
    footer: () =>
      summary ? [JSON.stringify({ type: 'summary', tracks: summary.tracks().map(roundSummary) })] : [],
  });
}
