/**
 * Dynamic micro-batching over pooled batch tensors, for `AUModel`: each request writes its crop
 * straight into the filling batch's tensor; a batch runs when `maxBatch` crops wait or
 * `maxWaitMs` after its first one arrived (the way Triton batches across cameras). Up to
 * `maxInFlight` batches run at once (1 for a local session; several for a remote server, so
 * round trips overlap); what arrives meanwhile forms the next batch.
 *
 * ```
 * requests  --a--b--c--------d--e--f--g--      maxBatch 4, maxWaitMs 5
 * batches   ----------[a b c]----------[d e f g]    (timer)      (full)
 * ```
 */
import type { ModelError } from '../errors.js';

/**
 * Writes one crop (`cropLength` floats) into `target` starting at `offset`, synchronously; the
 * values must not depend on what `target` held.
 */
export type CropWriter = (target: Float32Array, offset: number) => void;

/** Runs `count` crops held in `tensor`; resolves with one result per crop, in order. */
export type BatchRunner = (tensor: Float32Array, count: number) => Promise<BatchOutcome>;

export interface BatchOutcome {
  readonly results: readonly Float32Array[];
  /** The tensor back for reuse (it may have travelled to a worker); undefined if it is gone. */
  readonly tensor: Float32Array | undefined;
}

/** Running totals, for metrics and tests. */
export interface AUModelStats {
  readonly batches: number;
  readonly crops: number;
  /** Size of each of the last 256 batches, and the tags (e.g. sourceIds) they held. */
  readonly recentBatches: readonly { readonly size: number; readonly tags: readonly string[] }[];
}

interface Request {
  readonly tag: string;
  readonly resolve: (result: Float32Array) => void;
  readonly reject: (error: unknown) => void;
}

/** Requests whose crops fill `tensor`, in order: request i's crop is at `i * cropLength`. */
interface Batch {
  readonly tensor: Float32Array;
  readonly requests: Request[];
}

/**
 * Idle batch tensors kept for reuse: one fills while `maxInFlight` run. More are allocated when
 * callers queue more than that; past this many, returned ones are left to the GC, so memory
 * stays bounded.
 */
const poolSize = (maxInFlight: number): number => maxInFlight + 1;
const RECENT_BATCHES = 256;

export class MicroBatcher {
  /** Batches waiting to run, oldest first; only the last one takes new requests. */
  private readonly queue: Batch[] = [];
  private readonly pool: Float32Array[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<void>>();
  private allocated = 0;
  private readonly totals = { batches: 0, crops: 0, recentBatches: [] as { size: number; tags: string[] }[] };

  constructor(
    readonly maxBatch: number,
    private readonly maxWaitMs: number,
    private readonly cropLength: number,
    private readonly run: BatchRunner,
    private readonly maxInFlight = 1,
  ) {}

  get stats(): AUModelStats {
    return this.totals;
  }

  /** Batch tensors allocated so far (each `maxBatch` crops); bounded when callers are. */
  get tensorsAllocated(): number {
    return this.allocated;
  }

  /** Queues one crop written by `writeCrop`; if it throws, rejects with that and takes no slot. */
  submit(writeCrop: CropWriter, tag: string): Promise<Float32Array> {
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

  /** Rejects every queued request with `error` and waits for the running batch. */
  async close(error: ModelError): Promise<void> {
    clearTimeout(this.timer);
    for (const batch of this.queue.splice(0)) for (const r of batch.requests) r.reject(error);
    await Promise.all(this.running);
  }

  /** The batch new requests join: the last queued one, or a new one when it is full. */
  private fillingBatch(): Batch {
    const last = this.queue[this.queue.length - 1];
    if (last && last.requests.length < this.maxBatch) return last;
    const pooled = this.pool.pop();
    if (!pooled) this.allocated += 1;
    const batch = { tensor: pooled ?? new Float32Array(this.maxBatch * this.cropLength), requests: [] };
    this.queue.push(batch);
    return batch;
  }

  private schedule(): void {
    if (this.running.size >= this.maxInFlight || this.queue.length === 0) return;
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
    const run: Promise<void> = this.runBatch(batch).finally(() => {
      this.running.delete(run);
      // Requests that queued during the run already waited: run them now.
      if (this.queue.length > 0) this.flush();
    });
    this.running.add(run);
    // With room for another run, a full batch behind this one goes now, a partial one on the timer.
    this.schedule();
  }

  private async runBatch({ tensor, requests }: Batch): Promise<void> {
    try {
      const { results, tensor: returned } = await this.run(tensor, requests.length);
      if (returned && this.pool.length < poolSize(this.maxInFlight)) this.pool.push(returned);
      requests.forEach((r, i) => r.resolve(results[i] as Float32Array));
      this.totals.batches += 1;
      this.totals.crops += requests.length;
      this.totals.recentBatches.push({ size: requests.length, tags: requests.map((r) => r.tag) });
      if (this.totals.recentBatches.length > RECENT_BATCHES) this.totals.recentBatches.shift();
    } catch (error) {
      for (const r of requests) r.reject(error);
    }
  }
}
