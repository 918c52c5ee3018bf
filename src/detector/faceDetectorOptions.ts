/** Options of `FaceDetector.create` and `detectFaces`, their defaults and validation. */
import { OptionError } from '../errors.js';
import type { ExecutionProvider } from '../model/onnx.js';
import type { BlazeFaceModelName } from './blazeFaceModels.js';

/** Tiling of large frames, for faces too small for one pass over the whole frame. */
export interface TileOptions {
  /** Side of a square tile, in frame pixels. Defaults to 480. */
  readonly size?: number;
  /** Overlap of adjacent tiles, as a fraction of `size` in [0, 0.9]. Defaults to 0.5. */
  readonly overlap?: number;
}

export interface FaceDetectorOptions {
  /**
   * `'front'` (128x128, faces filling much of the frame: webcams, close-ups), `'back'`
   * (256x256, smaller faces), `'full'` (MediaPipe full-range, 192x192, 2304 anchors: wide shots,
   * CCTV, faces down to about 1/20 of the frame), or the path of a BlazeFace ONNX file with the
   * same inputs and outputs. Defaults to `'front'`.
   */
  readonly model?: BlazeFaceModelName | (string & {});
  /** Faces scoring below this (in [0, 1]) are dropped. Defaults to 0.5 (use 0.75 with `tile`: more passes, more false positives). */
  readonly minScore?: number;
  /** Candidates overlapping more than this IoU (in [0, 1]) are merged. Defaults to 0.3. */
  readonly iouThreshold?: number;
  /** At most this many faces per frame, best first. Defaults to 8. */
  readonly maxFaces?: number;
  /**
   * Also run the detector on overlapping square tiles of the frame (plus the whole frame) and
   * merge everything with the same weighted NMS: finds small faces in large frames at the cost
   * of one inference per tile. `true` uses the `TileOptions` defaults. Defaults to `false`.
   */
  readonly tile?: boolean | TileOptions;
  /** onnxruntime execution providers, in order of preference. Defaults to `['cpu']`. */
  readonly executionProviders?: readonly ExecutionProvider[];
  /**
   * onnxruntime intra-op threads. Defaults to 1: BlazeFace is small, and its pool would
   * otherwise compete with the AU model's for the same cores (bench/RESULTS.md).
   */
  readonly intraOpThreads?: number;
}

/** Options with every default filled in. */
export interface ResolvedFaceDetectorOptions {
  readonly model: string;
  readonly minScore: number;
  readonly iouThreshold: number;
  readonly maxFaces: number;
  /** `undefined` when tiling is off. */
  readonly tile: Required<TileOptions> | undefined;
  readonly executionProviders: readonly ExecutionProvider[];
  readonly intraOpThreads: number;
}

export const DEFAULTS = {
  model: 'front',
  minScore: 0.5,
  iouThreshold: 0.3,
  maxFaces: 8,
  tile: false,
  executionProviders: ['cpu'],
  intraOpThreads: 1,
} as const satisfies Required<FaceDetectorOptions>;

export const TILE_DEFAULTS = { size: 480, overlap: 0.5 } as const satisfies Required<TileOptions>;

function inRange(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    throw new OptionError(
      `FaceDetector option '${name}' must be a number in [${min}, ${max}], got ${String(value)}.`,
    );
  }
  return value;
}

/** Fills in defaults and throws `OptionError` (naming the option) on invalid values. */
export function resolveFaceDetectorOptions(options: FaceDetectorOptions = {}): ResolvedFaceDetectorOptions {
  const o = { ...DEFAULTS, ...options };
  if (typeof o.model !== 'string' || o.model.length === 0) {
    throw new OptionError(
      `FaceDetector option 'model' must be 'front', 'back', 'full' or the path of an ONNX file, got ${String(o.model)}.`,
    );
  }
  if (!Number.isInteger(o.maxFaces) || o.maxFaces < 1) {
    throw new OptionError(
      `FaceDetector option 'maxFaces' must be an integer >= 1, got ${String(o.maxFaces)}.`,
    );
  }
  if (!Array.isArray(o.executionProviders) || o.executionProviders.length === 0) {
    throw new OptionError(
      "FaceDetector option 'executionProviders' must be a non-empty array such as ['cpu'].",
    );
  }
  if (!Number.isInteger(o.intraOpThreads) || o.intraOpThreads < 1) {
    throw new OptionError(
      `FaceDetector option 'intraOpThreads' must be an integer >= 1, got ${String(o.intraOpThreads)}.`,
    );
  }
  let tile: Required<TileOptions> | undefined;
  if (o.tile === true || (typeof o.tile === 'object' && o.tile !== null)) {
    tile = { ...TILE_DEFAULTS, ...(o.tile === true ? {} : o.tile) };
    if (!Number.isInteger(tile.size) || tile.size < 32) {
      throw new OptionError(
        `FaceDetector option 'tile.size' must be an integer >= 32 (pixels), got ${String(tile.size)}.`,
      );
    }
    inRange('tile.overlap', tile.overlap, 0, 0.9);
  } else if (o.tile !== false) {
    throw new OptionError(
      `FaceDetector option 'tile' must be a boolean or { size, overlap }, got ${String(o.tile)}.`,
    );
  }
  return {
    model: o.model,
    minScore: inRange('minScore', o.minScore, 0, 1),
    iouThreshold: inRange('iouThreshold', o.iouThreshold, 0, 1),
    maxFaces: o.maxFaces,
    tile,
    executionProviders: o.executionProviders,
    intraOpThreads: o.intraOpThreads,
  };
}
