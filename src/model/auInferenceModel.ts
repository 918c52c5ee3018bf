/**
 * What every pipeline stage needs from an AU model. `AUModel` (onnxruntime in this process) and
 * `RemoteAUModel` (a KServe v2 / Triton server over HTTP) both implement it, so operators,
 * `analyze`, `StreamHub` and the CLI take either one.
 *
 * @see docs/remote-inference.md
 */
import type { ModelCard } from '../types/model.js';
import type { AUModelStats, CropWriter } from './microBatcher.js';

export interface AUInferenceModel {
  /** The model card: AU names, input size, normalisation, alignment template, thresholds. */
  readonly card: ModelCard;
  /** Largest batch one run (or one request) holds. */
  readonly maxBatch: number;
  /** Batches and crops so far, and the last batches' sizes and tags. */
  readonly stats: AUModelStats;
  /** One normalised CHW crop in, one probability per `card.auNames` out. */
  infer(crop: Float32Array, tag?: string): Promise<Float32Array>;
  /** Like `infer`, with the crop written by `writeCrop` straight into the batch tensor. */
  inferWith(writeCrop: CropWriter, tag?: string): Promise<Float32Array>;
  /** Rejects queued requests, waits for running ones, releases resources. Idempotent. */
  dispose(): Promise<void>;
}
