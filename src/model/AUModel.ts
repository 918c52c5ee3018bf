/**
 * One AUFormer ONNX session shared by every pipeline that uses it, with dynamic micro-batching:
 * requests from all callers are queued and run together, flushed when `maxBatch` crops wait or
 * `maxWaitMs` after the first one arrived (the way Triton batches across cameras). One batch
 * runs at a time; what arrives meanwhile forms the next batch.
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
import { type ExecutionProvider, type WorkerSession, openSession } from './openSession.js';
import { parseModelCard, readModelBytes } from './modelCard.js';
import { validateModelShapes } from './validateModelShapes.js';
import { type ModelVariant, VARIANT_HINTS, variantPath } from './modelVariant.js';

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
}

const DEFAULTS = { executionProviders: ['cpu'], maxBatch: 16, maxWaitMs: 5, variant: 'fp32' } as const;

/** Running totals, for metrics and tests. */
export interface AUModelStats {
  readonly batches: number;
  readonly crops: number;
  /** Size of each of the last 256 batches, and the tags (e.g. sourceIds) they held. */
  readonly recentBatches: readonly { readonly size: number; readonly tags: readonly string[] }[];
}

/**
 * Writes one normalised CHW crop (`3 * inputHeight * inputWidth` floats) into `target`
 * starting at `offset`, synchronously; the values must not depend on what `target` held.
 */
export type CropWriter = (target: Float32Array, offset: number) => void;

interface Request {
  readonly tag: string;
  readonly resolve: (probabilities: Float32Array) => void;
  readonly reject: (error: unknown) => void;
}

/** Requests whose crops fill `tensor`, in order: request i's crop is at `i * cropLength`. */
interface Batch {
  readonly tensor: Float32Array;
  readonly requests: Request[];
}

/**
 * Idle batch tensors kept for reuse: one fills while one runs. More are allocated when callers
 * queue more than that; past this many, returned ones are left to the GC, so memory stays bounded.
 */
const POOL_SIZE = 2;

export class AUModel {
  /** Batches waiting to run, oldest first; only the last one takes new requests. */
  private readonly queue: Batch[] = [];
  private readonly pool: Float32Array[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private disposed = false;
  private readonly cropLength: number;
  private tensorsAllocated_ = 0;
  private stats_ = { batches: 0, crops: 0, recentBatches: [] as { size: number; tags: string[] }[] };

  private constructor(
    readonly path: string,
    readonly card: ModelCard,
    private readonly session: WorkerSession,
    readonly maxBatch: number,
    private readonly maxWaitMs: number,
  ) {
    this.cropLength = 3 * card.inputHeight * card.inputWidth;
  }

  /** Loads the model, reads its card and checks the graph's shapes against it. */
  static async create(path: string, options: AUModelOptions = {}): Promise<AUModel> {
    const o = { ...DEFAULTS, ...options };
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
      return new AUModel(file, card, session, Math.min(o.maxBatch, fixedBatch ?? o.maxBatch), o.maxWaitMs);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  get stats(): AUModelStats {
    return this.stats_;
  }

  /** Batch tensors allocated so far (each `maxBatch` crops); bounded when callers are. For tests. */
  get tensorsAllocated(): number {
    return this.tensorsAllocated_;
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
    const batch = this.fillingBatch();
    try {
      writeCrop(batch.tensor, batch.requests.length * this.cropLength);
    } catch (error) {
      if (batch.requests.length === 0) this.pool.push((this.queue.pop() as Batch).tensor);
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      batch.requests.push({ tag, resolve, reject });
      this.schedule();
    });
  }

  /** The batch new requests join: the last queued one, or a new one when it is full. */
  private fillingBatch(): Batch {
    const last = this.queue[this.queue.length - 1];
    if (last && last.requests.length < this.maxBatch) return last;
    const batch = { tensor: this.takeTensor(), requests: [] };
    this.queue.push(batch);
    return batch;
  }

  private takeTensor(): Float32Array {
    const pooled = this.pool.pop();
    if (pooled) return pooled;
    this.tensorsAllocated_ += 1;
    return new Float32Array(this.maxBatch * this.cropLength);
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    if ((this.queue[0] as Batch).requests.length >= this.maxBatch || this.maxWaitMs === 0) {
      this.flush();
    } else {
      this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue.shift();
    if (!batch) return;
    this.running = this.runBatch(batch).finally(() => {
      this.running = undefined;
      // Requests that queued during the run already waited: run them now.
      if (this.queue.length > 0) this.flush();
    });
  }

  private async runBatch({ tensor, requests: batch }: Batch): Promise<void> {
    const n = this.card.auNames.length;
    try {
      // The tensor is transferred to the worker (detached here) and comes back with the outputs.
      const data = tensor.subarray(0, batch.length * this.cropLength);
      const { outputs: out, feeds } = await this.session.runTransferring({
        images: { data, dims: [batch.length, 3, this.card.inputHeight, this.card.inputWidth] },
      });
      const returned = feeds['images']?.data.buffer;
      if (returned instanceof ArrayBuffer && this.pool.length < POOL_SIZE) {
        this.pool.push(new Float32Array(returned));
      }
      const logits = out['logits']?.data;
      if (!logits || logits.length !== batch.length * n) {
        throw new ModelError(
          'AUF_ERR_MODEL_SHAPE',
          `Model '${this.path}' returned ${logits?.length ?? 0} logits for ${batch.length} crops; its card lists ${n} AUs. Re-export the model so its card matches its head.`,
        );
      }
      batch.forEach((r, i) => r.resolve(sigmoid(logits.subarray(i * n, (i + 1) * n))));
      this.record(batch);
    } catch (error) {
      const wrapped =
        error instanceof ModelError
          ? error
          : new ModelError('AUF_ERR_INFERENCE', `Inference failed: ${(error as Error).message}`, {
              cause: error,
            });
      for (const r of batch) r.reject(wrapped);
    }
  }

  private record(batch: Request[]): void {
    this.stats_.batches += 1;
    this.stats_.crops += batch.length;
    this.stats_.recentBatches.push({ size: batch.length, tags: batch.map((r) => r.tag) });
    if (this.stats_.recentBatches.length > 256) this.stats_.recentBatches.shift();
  }

  /** Rejects queued requests, waits for the running batch, releases the session. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    const error = new ModelError('AUF_ERR_MODEL_DISPOSED', `AUModel '${this.path}' was disposed.`);
    for (const batch of this.queue.splice(0)) for (const r of batch.requests) r.reject(error);
    await this.running;
    await this.session.release();
  }
}

function sigmoid(logits: Float32Array): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-(logits[i] as number)));
  return out;
}
