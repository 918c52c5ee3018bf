/**
 * The CSV layout of `toCsv` (style `auformer`): column names and one row per face (or one per
 * faceless frame).
 *
 * The leading columns are named as in OpenFace 2.2 (`frame, face_id, timestamp, confidence,
 * success`); the rest are ours. For a file laid out like OpenFace's own, see openFaceCsv.ts. Every
 * column is listed, with units, in docs/output-formats.md.
 */
import { KEYPOINT_NAMES } from '../types/face.js';
import type { FaceResult, FrameResult } from '../types/result.js';
import { LANDMARK_COLUMNS, landmarkCells } from './landmarkColumns.js';
import { DECIMALS, roundTo } from './roundRecord.js';

/** What decides the AU columns of a CSV file. */
export interface CsvLayout {
  /** AU names in model-card order, e.g. `['AU01', 'AU02']`. */
  readonly auNames: readonly string[];
  /** Per-AU thresholds for `AUxx_c` when a face has no `active` flags, same order as `auNames`. */
  readonly thresholds: readonly number[];
  /** Adds the `AUxx_s` (smoothed probability) columns. */
  readonly smoothed: boolean;
  /** `auformer` (ours, default) or `openface` (OpenFace 2.2's columns we can fill, `, ` separated). */
  readonly style: CsvStyle;
  /** Adds the landmark, pose and geometry columns (landmarkColumns.ts) after the AU columns. */
  readonly landmarks: boolean;
}

/** The column layouts `toCsv` writes (docs/output-formats.md). */
export type CsvStyle = 'auformer' | 'openface';

const LEADING = ['frame', 'face_id', 'timestamp', 'confidence', 'success'] as const;
const FRAME = ['source_id', 'pts_ms', 'status', 'held'] as const;
const BOX = ['face_x', 'face_y', 'face_w', 'face_h'] as const;

/** `rightEye` -> `kp_right_eye`. */
function keypointPrefix(name: string): string {
  return `kp_${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}

const KEYPOINTS = KEYPOINT_NAMES.flatMap((name) => [
  `${keypointPrefix(name)}_x`,
  `${keypointPrefix(name)}_y`,
]);

/** Column names in file order: all `_p` columns, then all `_c`, then all `_s` (as OpenFace groups `_r`/`_c`). */
export function csvColumns(layout: CsvLayout): string[] {
  const au = (suffix: string): string[] => layout.auNames.map((name) => `${name}_${suffix}`);
  return [
    ...LEADING,
    ...FRAME,
    ...BOX,
    ...KEYPOINTS,
    ...au('p'),
    ...au('c'),
    ...(layout.smoothed ? au('s') : []),
    ...(layout.landmarks ? LANDMARK_COLUMNS : []),
  ];
}

/** One CSV line (without newline) per face of `frame`, or a single line when it has none. */
export function csvRows(frame: FrameResult, layout: CsvLayout): string[] {
  if (frame.faces.length === 0) return [faceless(frame, layout)];
  return frame.faces.map((face) => faceRow(frame, face, layout));
}

function faceless(frame: FrameResult, layout: CsvLayout): string {
  const empty = new Array<string>(csvColumns(layout).length - LEADING.length - FRAME.length).fill('');
  return line([
    frameNumber(frame),
    -1,
    seconds(frame),
    0,
    0,
    frame.sourceId,
    ms(frame.ptsMs),
    frame.status,
    '',
    ...empty,
  ]);
}

function faceRow(frame: FrameResult, face: FaceResult, layout: CsvLayout): string {
  const px = (v: number | undefined): string => num(v, DECIMALS.pixels);
  const prob = (v: number | undefined): string => num(v, DECIMALS.probability);
  const points = KEYPOINT_NAMES.flatMap((_, i) => [px(face.keypoints[i]?.x), px(face.keypoints[i]?.y)]);
  const p = layout.auNames.map((name) => prob(face.aus[name]));
  const c = layout.auNames.map((name, i) => activeCell(face, name, layout.thresholds[i] ?? 0.5));
  const s = layout.smoothed ? layout.auNames.map((name) => prob(face.smoothed?.[name])) : [];
  const landmarks = layout.landmarks ? landmarkCells(face, (v, kind) => num(v, DECIMALS[kind])) : [];
  return line([
    frameNumber(frame),
    face.trackId,
    seconds(frame),
    prob(face.score),
    1,
    frame.sourceId,
    ms(frame.ptsMs),
    frame.status,
    face.held === true ? 1 : 0,
    px(face.box.x),
    px(face.box.y),
    px(face.box.width),
    px(face.box.height),
    ...points,
    ...p,
    ...c,
    ...s,
    ...landmarks,
  ]);
}

/** `active` (after hysteresis) wins over the raw threshold; empty when the AU is missing. */
export function activeCell(face: FaceResult, name: string, threshold: number): string {
  const flag = face.active?.[name];
  if (flag !== undefined) return flag ? '1' : '0';
  const p = face.aus[name];
  if (p === undefined || !Number.isFinite(p)) return '';
  return p >= threshold ? '1' : '0';
}

/** OpenFace numbers frames from 1. */
export function frameNumber(frame: FrameResult): number {
  return frame.index + 1;
}

/** OpenFace `timestamp`: seconds, millisecond precision. */
export function seconds(frame: FrameResult): string {
  return num(frame.ptsMs / 1000, DECIMALS.seconds);
}

function ms(value: number): string {
  return num(value, DECIMALS.milliseconds);
}

/** Rounded number, or an empty cell for missing and non-finite values. */
export function num(value: number | undefined, decimals: number): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  return String(roundTo(value, decimals));
}

/**
 * Joins cells with RFC 4180 quoting: cells holding a comma, quote, CR or LF are quoted.
 * `separator` is `,` except for the OpenFace layout, which writes `, ` as OpenFace does.
 */
export function line(cells: readonly (string | number)[], separator = ','): string {
  return cells.map((cell) => quote(String(cell))).join(separator);
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
