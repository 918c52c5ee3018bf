/**
 * An AU model on a KServe v2 inference server (`auformer infer-server`, or NVIDIA Triton with
 * the repository `model/` writes), behind the same interface as `AUModel`, so every operator,
 * `analyze` and `StreamHub` take it. Crops are micro-batched here (`maxBatch`, `maxWaitMs`) and
 * up to `maxInFlight` batches travel at once, because one crop per round trip leaves the server
 * idle; the server batches the requests of all its clients again.
 *
 * ```
 * crops     --a-b-c-d-e-f-g-h--            maxBatch 4, maxInFlight 2
 * requests  --------[abcd]->                POST /v2/models/NAME/infer (binary tensors)
 *                    ------[efgh]->         second request before the first one's answer
 * ```
 *
 * Each batch has `timeoutMs` in all: it goes to the next endpoint in rotation, and on a refused
 * or cut connection, a timeout, 429 / 503 (honouring `Retry-After`) or 500, to another one (or
 * the same one after a back-off) until the time is up; then it fails with
 * `AUF_ERR_REMOTE_UNREACHABLE`, `AUF_ERR_REMOTE_OVERLOADED` or `AUF_ERR_REMOTE_TIMEOUT`.
 *
 * @example
 * const model = await AUModel.create('http://gpu-1:8000', { maxInFlight: 4 });
 * analyze('talk.mp4', { model }); // same results as a local AUModel
 * @see docs/remote-inference.md
 */
import { hostname } from 'node:os';
import { ModelError, OptionError } from '../errors.js';
import type { AUInferenceModel } from '../model/auInferenceModel.js';
import {
  type AUModelStats,
  type BatchOutcome,
  type CropWriter,
  MicroBatcher,
} from '../model/microBatcher.js';
import { sigmoid } from '../model/sigmoid.js';
import type { ModelCard } from '../types/model.js';
import { type CropDatatype, type RemoteModelInfo, assertSameModel } from './remoteModelInfo.js';
import { RemoteEndpoint } from './remoteEndpoint.js';
import { parseModelLocation } from './remoteUrl.js';
import { sendBatch } from './sendBatch.js';

export interface RemoteAUModelOptions {
  /** Crops per request (capped by the server's `max_batch_size`). Defaults to 16. */
  readonly maxBatch?: number;
  /** Longest time, in ms, a crop waits for others to fill a request. Defaults to 5. */
  readonly maxWaitMs?: number;
  /** Requests on the wire at once. Defaults to 4. */
  readonly maxInFlight?: number;
  /** Time, in ms, for `create` and for each batch, retries included. Defaults to 10000. */
  readonly timeoutMs?: number;
  /** Bearer token the server asks for. Defaults to none. */
  readonly token?: string;
  /**
   * Crops on the wire: `'UINT8'` (a quarter of the bytes; needs a server that takes it) or
   * `'FP32'` (exact). Defaults to `'auto'`: UINT8 when the server takes it, else FP32.
   */
  readonly datatype?: CropDatatype | 'auto';
  /** Sent as `parameters.client_id`, for the server's batch statistics. Defaults to `host:pid`. */
  readonly clientId?: string;
}

const DEFAULTS = { maxBatch: 16, maxWaitMs: 5, maxInFlight: 4, timeoutMs: 10_000, datatype: 'auto' } as const;

export class RemoteAUModel implements AUInferenceModel {
  private readonly batcher: MicroBatcher;
  private readonly cropLength: number;
  private disposed = false;
  readonly card: ModelCard;

  private constructor(
    private readonly endpoints: readonly RemoteEndpoint[],
    private readonly info: RemoteModelInfo,
    readonly maxBatch: number,
    readonly datatype: CropDatatype,
    private readonly o: Required<Omit<RemoteAUModelOptions, 'token' | 'datatype'>>,
  ) {
    this.card = info.card;
    this.cropLength = 3 * info.card.inputHeight * info.card.inputWidth;
    this.batcher = new MicroBatcher(
      maxBatch,
      o.maxWaitMs,
      this.cropLength,
      (t, n) => this.runBatch(t, n),
      o.maxInFlight,
    );
  }

  /**
   * Connects to every URL (a server, or `.../v2/models/NAME`) at once; resolves when one is
   * ready (the others join when they come up), rejects with the first one's error when none is.
   */
  static async create(
    urls: string | readonly string[],
    options: RemoteAUModelOptions = {},
  ): Promise<RemoteAUModel> {
    const o = { ...DEFAULTS, clientId: `${hostname()}:${process.pid}`, ...options };
    const list = typeof urls === 'string' ? [urls] : urls;
    if (list.length === 0) throw new OptionError('RemoteAUModel: give at least one server URL');
    for (const [name, min] of [
      ['maxBatch', 1],
      ['maxInFlight', 1],
      ['timeoutMs', 1],
    ] as const) {
      if (!Number.isInteger(o[name]) || o[name] < min)
        throw new OptionError(`RemoteAUModel: ${name} must be an integer >= ${min}, got ${o[name]}`);
    }
    if (!(o.maxWaitMs >= 0))
      throw new OptionError(`RemoteAUModel: maxWaitMs must be >= 0, got ${o.maxWaitMs}`);
    if (!['auto', 'FP32', 'UINT8'].includes(o.datatype)) {
      throw new OptionError(
        `RemoteAUModel: datatype must be 'auto', 'FP32' or 'UINT8', got '${String(o.datatype)}'`,
      );
    }
    const endpoints = list.map((url) => new RemoteEndpoint(parseModelLocation(url), o.token));
    const outcomes = await Promise.allSettled(endpoints.map((e) => e.connect(o.timeoutMs)));
    const infos = outcomes.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    outcomes.forEach((r, i) => r.status === 'rejected' && endpoints[i]?.markDown());
    const first = infos[0];
    if (!first) throw (outcomes[0] as PromiseRejectedResult).reason;
    const datatype =
      o.datatype === 'auto' ? (first.datatypes.includes('UINT8') ? 'UINT8' : 'FP32') : o.datatype;
    if (!first.datatypes.includes(datatype)) {
      throw new OptionError(
        `RemoteAUModel: the server's model takes ${first.datatypes.join(' / ')} crops, not datatype '${datatype}'`,
      );
    }
    for (const info of infos) assertSameModel(first, info, datatype);
    const maxBatch = Math.min(o.maxBatch, first.maxBatch ?? o.maxBatch);
    return new RemoteAUModel(endpoints, first, maxBatch, datatype, o);
  }

  /** The servers, as given (a model URL once resolved). */
  get urls(): readonly string[] {
    return this.endpoints.map((e) => e.url);
  }

  get stats(): AUModelStats {
    return this.batcher.stats;
  }

  infer(crop: Float32Array, tag = ''): Promise<Float32Array> {
    if (crop.length !== this.cropLength && !this.disposed) {
      const want = `3x${this.card.inputHeight}x${this.card.inputWidth} = ${this.cropLength}`;
      return Promise.reject(
        new ModelError('AUF_ERR_MODEL_SHAPE', `Crop has ${crop.length} floats, the model takes ${want}.`),
      );
    }
    return this.inferWith((target, offset) => target.set(crop, offset), tag);
  }

  inferWith(writeCrop: CropWriter, tag = ''): Promise<Float32Array> {
    if (this.disposed) return Promise.reject(this.disposedError());
    return this.batcher.submit(writeCrop, tag);
  }

  /** Rejects queued crops and waits for the requests on the wire. Idempotent. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.batcher.close(this.disposedError());
  }

  private async runBatch(tensor: Float32Array, count: number): Promise<BatchOutcome> {
    const logits = await sendBatch(
      { ...this.o, endpoints: this.endpoints, card: this.card, info: this.info, datatype: this.datatype },
      tensor,
      count,
    );
    const n = this.card.auNames.length;
    const results = Array.from({ length: count }, (_, i) => sigmoid(logits.subarray(i * n, (i + 1) * n)));
    return { results, tensor };
  }

  private disposedError(): ModelError {
    return new ModelError(
      'AUF_ERR_MODEL_DISPOSED',
      `RemoteAUModel '${this.endpoints[0]?.url}' was disposed.`,
    );
  }
}
