import type { Point } from './face.js';

/** The keypoints an AU model's crops are aligned from (see `ModelCard.keypointSource`). */
export type KeypointSource = 'blazeface' | 'mesh';

/**
 * Everything the SDK needs to run an AUFormer ONNX model. It is read from the ONNX file's
 * `metadata_props` (see docs/model-card.md), never duplicated in TypeScript.
 */
export interface ModelCard {
  readonly name: string;
  readonly version: string;
  /** Output order of the `logits` tensor, e.g. `['AU01', 'AU02', ...]`. */
  readonly auNames: readonly string[];
  /** Model input in pixels. */
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Per-channel RGB mean and std applied to pixel / 255. */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /**
   * Canonical positions, in crop pixels, of the subject's right eye, left eye, nose tip and
   * mouth centre (BlazeFace keypoints 0..3).
   */
  readonly alignmentTemplate: readonly Point[];
  /**
   * Which points the crop was aligned from in training, and so must be at inference: `blazeface`
   * (the detector's eye, nose and mouth keypoints) or `mesh` (eye-contour centres, nose tip and
   * inner-lip centre of the 468-point mesh). Metadata `keypoint_source`; `blazeface` when absent.
   */
  readonly keypointSource: KeypointSource;
  /** Per-AU activation thresholds on the probability; 0.5 for each when the card has none. */
  readonly thresholds: readonly number[];
  readonly trainingData: string;
  readonly licence: string;
  readonly description: string;
  /**
   * Element type of the `images` input: `'float32'` (normalised crops) or `'uint8'` (pixel
   * values, normalised inside the graph: the `.uint8.onnx` variant). Absent means `'float32'`.
   */
  readonly inputDtype?: 'float32' | 'uint8';
  /** True for untrained demo/test models: their outputs mean nothing. */
  readonly untrained: boolean;
}
