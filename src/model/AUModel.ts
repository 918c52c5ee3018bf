/**
 * One AUFormer ONNX session shared by every pipeline that uses it, with dynamic micro-batching
 * (microBatcher.ts): requests from all callers are queued and run together, flushed when
 * `maxBatch` crops wait or `maxWaitMs` after the first one arrived.
 *
 * Crops are written straight into batch tensors (`maxBatch` crops each) from a small pool, and
 * a full tensor moves to the inference worker and back without a copy: `inferWith` lets the
 * caller (inferAUs) warp a face directly into its slot; `infer` copies a ready crop into one.
 *
 * @example
 * const model = await AUModel.create('models/auformer-tiny.onnx', { maxBatch: 8 });
 * const probs = await model.infer(crop); // Float32Array, one probability per model.card.auNames
 * await model.dispose();
 */
import { ModelError, OptionError } from '../errors.js';
import type { ModelCard } from '../types/model.js';
import { type ExecutionProvider, type TransferredRun, type WorkerSession, openSession } from './openSession.js';
import { parseModelCard, readModelBytes } from './modelCard.js';
import { validateModelShapes } from './validateModelShapes.js';
import { type ModelVariant, VARIANT_HINTS, variantPath } from './modelVariant.js';
import { type AUModelStats, type BatchOutcome, type CropWriter, MicroBatcher } from './microBatcher.js';
import type { AUInferenceModel } from './auInferenceModel.js';
import { sigmoid } from './sigmoid.js';
import { cropsToUint8 } from './uint8Crops.js';
import { RemoteAUModel, type RemoteAUModelOptions } from '../remote/RemoteAUModel.js';
import { type RemoteModelUrl, isRemoteModelUrl } from '../remote/remoteUrl.js';

export type { AUModelStats, CropWriter } from './microBatcher.js';

export interface AUModelOptions {
  /** Providers in order of preference. Defaults to `['cpu']`. See docs/gpu.md. */
  readonly executionProviders?: readonly ExecutionProvider[];
  /** Largest batch run at once. Defaults to 16. */
  readonly maxBatch?: number;
  /** Longest time, in ms, a request waits for others to fill a batch. Defaults to 5. */
  readonly maxWaitMs?: number;
  /** onnxruntime intra-op threads. Defaults to onnxruntime's choice (one per core). */
  readonly intraOpThreads?: number;
  /**
   * Which precision of the model to load: `int8` (CPUs) or `fp16` (GPUs) load `<name>.int8.onnx`
   * / `<name>.fp16.onnx` next to `path` (see modelVariant.ts). Defaults to `'fp32'` (`path` itself).
   */
  readonly variant?: ModelVariant;
  /**
   * What `infer` resolves with: `'probabilities'` (sigmoid of the logits) or the raw
   * `'logits'` (what a KServe server returns, e.g. `auformer infer-server`). Defaults to
   * `'probabilities'`.
   */
  readonly output?: 'probabilities' | 'logits';
}

const DEFAULTS = {
  executionProviders: ['cpu'],
  maxBatch: 16,
  maxWaitMs: 5,
  variant: 'fp32',
  output: 'probabilities',
} as const;

export class AUModel implements AUInferenceModel {
  private readonly batcher: MicroBatcher;
  private disposed = false;
  private readonly cropLength: number;

  private constructor(
    readonly path: string,
    readonly card: ModelCard,
    private readonly session: WorkerSession,
    readonly maxBatch: number,
    maxWaitMs: number,
    readonly output: 'probabilities' | 'logits',
  ) {
    this.cropLength = 3 * card.inputHeight * card.inputWidth;
    this.batcher = new MicroBatcher(maxBatch, maxWaitMs, this.cropLength, (t, n) => this.runBatch(t, n));
  }

  /**
   * Loads the model, reads its card and checks the graph's shapes against it. An `http(s)://`
   * URL instead opens a `RemoteAUModel` on that KServe v2 server (docs/remote-inference.md);
   * for a string that may be either, `openAUModel` has the honest return type.
   */
  static create(url: RemoteModelUrl, options?: RemoteAUModelOptions): Promise<RemoteAUModel>;
  static create(path: string, options?: AUModelOptions): Promise<AUModel>;
  static async create(path: string, options: AUModelOptions | RemoteAUModelOptions = {}): Promise<AUInferenceModel> {
    if (isRemoteModelUrl(path)) return RemoteAUModel.create(path, options as RemoteAUModelOptions);
    const o = { ...DEFAULTS, ...(options as AUModelOptions) };
    if (o.output !== 'probabilities' && o.output !== 'logits') {
      throw new OptionError(`output must be 'probabilities' or 'logits', got '${String(o.output)}'`);
    }
    if (!Number.isInteger(o.maxBatch) || o.maxBatch < 1) {
      throw new OptionError(`maxBatch must be a positive integer, got ${o.maxBatch}`);
    }
    if (!(o.maxWaitMs >= 0)) throw new OptionError(`maxWaitMs must be >= 0, got ${o.maxWaitMs}`);
    const file = variantPath(path, o.variant);
    const bytes = await readModelBytes(file).catch((error: unknown) => {
      if (o.variant === 'fp32') throw error;
      throw new ModelError('AUF_ERR_MODEL_LOAD', `${(error as Error).message} ${VARIANT_HINTS[o.variant]}`, {
        cause: error,
      });
    });
    const card = parseModelCard(bytes, file);
    const session = await openSession(bytes, o);
    try {
      const fixedBatch = validateModelShapes(session, card, file);
      const maxBatch = Math.min(o.maxBatch, fixedBatch ?? o.maxBatch);
      return new AUModel(file, card, session, maxBatch, o.maxWaitMs, o.output);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  get stats(): AUModelStats {
    return this.batcher.stats;
  }

  /** Batch tensors allocated so far (each `maxBatch` crops); bounded when callers are. For tests. */
  get tensorsAllocated(): number {
    return this.batcher.tensorsAllocated;
  }

  /**
   * Queues one normalised CHW crop (`3 * inputHeight * inputWidth` floats) and resolves with
   * one probability per AU. `tag` (e.g. the sourceId) is only recorded in `stats`. The crop is
   * copied before this returns, so the caller may reuse it at once.
   */
  infer(crop: Float32Array, tag = ''): Promise<Float32Array> {
    if (crop.length !== this.cropLength && !this.disposed) {
      return Promise.reject(
        new ModelError(
          'AUF_ERR_MODEL_SHAPE',
          `Crop has ${crop.length} floats, the model takes 3x${this.card.inputHeight}x${this.card.inputWidth} = ${this.cropLength}. Align faces with this model's card.`,
        ),
      );
    }
    return this.inferWith((target, offset) => target.set(crop, offset), tag);
  }

  /**
   * Like `infer`, but `writeCrop` writes the crop straight into the model's batch tensor, before
   * this returns (e.g. `(t, o) => warpToTensor(frame, transform, card, t, o)`): no crop array,
   * no copy. If `writeCrop` throws, the request rejects with that error and takes no slot.
   */
  inferWith(writeCrop: CropWriter, tag = ''): Promise<Float32Array> {
    if (this.disposed) {
      return Promise.reject(new ModelError('AUF_ERR_MODEL_DISPOSED', `AUModel '${this.path}' was disposed.`));
    }
    return this.batcher.submit(writeCrop, tag);
  }

  /** Rejects queued requests, waits for the running batch, releases the session. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.batcher.close(new ModelError('AUF_ERR_MODEL_DISPOSED', `AUModel '${this.path}' was disposed.`));
    await this.session.release();
  }

  /**
   * A float model gets the tensor itself (moved to the worker and back); a uint8-input model
   * (`input_dtype: "uint8"`) gets the crops rounded to pixel values, and the tensor stays here.
   */
  private async runSession(tensor: Float32Array, count: number, dims: number[]): Promise<TransferredRun> {
    if (this.card.inputDtype !== 'uint8') {
      return this.session.runTransferring({ images: { data: tensor.subarray(0, count * this.cropLength), dims } });
    }
    const outputs = await this.session.run({ images: { data: cropsToUint8(tensor, count, this.card), dims } });
    return { outputs, feeds: { images: { data: tensor, dims } } };
  }

  /** Runs one batch; the tensor comes back with the outputs for reuse. */
  private async runBatch(tensor: Float32Array, count: number): Promise<BatchOutcome> {
    const n = this.card.auNames.length;
    const dims = [count, 3, this.card.inputHeight, this.card.inputWidth];
    try {
      const { outputs, feeds } = await this.runSession(tensor, count, dims);
      const logits = outputs['logits']?.data;
      if (!logits || logits.length !== count * n) {
        throw new ModelError(
          'AUF_ERR_MODEL_SHAPE',
          `Model '${this.path}' returned ${logits?.length ?? 0} logits for ${count} crops; its card lists ${n} AUs. Re-export the model so its card matches its head.`,
        );
      }
      const returned = feeds['images']?.data.buffer;
      return {
        results: Array.from({ length: count }, (_, i) => {
          const row = logits.subarray(i * n, (i + 1) * n);
          return this.output === 'logits' ? row.slice() : sigmoid(row);
        }),
        tensor: returned instanceof ArrayBuffer ? new Float32Array(returned) : undefined,
      };
    } catch (error) {
      if (error instanceof ModelError) throw error;
      throw new ModelError('AUF_ERR_INFERENCE', `Inference failed: ${(error as Error).message}`, { cause: error });
    }
  }
}
