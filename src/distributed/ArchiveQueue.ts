/**
 * Submits and manages archive jobs on BullMQ: one flow per input (parts, then a merge), with
 * deterministic ids so a resubmission is a no-op.
 *
 * @example
 * import { ArchiveQueue } from 'auformer-stream/distributed';
 * const queue = await ArchiveQueue.connect('redis://127.0.0.1:6379');
 * const jobs = await queue.submit(['day1.mp4', 'day2.mp4'], { outDir: 'results', chunkMs: 600_000 });
 * // [{ id: 'auf-3f2a...', input: '/data/day1.mp4', parts: 6, duplicate: false, outDir: ... }, ...]
 * await queue.close();
 * @see docs/distributed.md
 */
import type { FlowProducer, Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { OptionError } from '../errors.js';
import type { MeshPointCount } from '../index.js';
import { expandInputs } from './archiveInputs.js';
import type { ArchiveFormat, ArchivePipelineOptions, MergeJobData } from './archiveTypes.js';
import { buildFlow, inputStem } from './buildFlow.js';
import { connectRedis } from './connectRedis.js';
import { assertNoToken, resolveJobModel } from './jobModel.js';
import { loadEngines } from './engines.js';
import { type ArchiveJobStatus, describeJob, findJob } from './jobStatus.js';
import { readManifest } from './partFiles.js';
import { DEFAULT_QUEUE_NAME, mergeQueueName, partsQueueName } from './queueNames.js';

export interface ArchiveQueueOptions {
  /** Queue name prefix shared with the workers. Defaults to `auformer`. */
  readonly name?: string;
}

export interface SubmitOptions {
  /** Output folder; each input's results go to `<outDir>/<stem>/`. Required. */
  readonly outDir: string;
  /** Split files longer than 1.25 chunks into parts of this length, in ms. Defaults to whole files. */
  readonly chunkMs?: number;
  /** Media decoded before each part (and each resume) to warm tracker and smoother, in ms. Defaults to 5000. */
  readonly preRollMs?: number;
  /** Defaults to csv and jsonl, plus events when `options.events` is set. */
  readonly formats?: readonly ArchiveFormat[];
  /** Mesh points per face in the JSONL output: 68 (iBUG order) or all 468. Defaults to 68. */
  readonly meshPoints?: MeshPointCount;
  /** AUFormer ONNX path as every worker sees it. Defaults to the embedded tiny model. */
  readonly modelPath?: string;
  /**
   * Run the model on these inference servers instead (`auformer infer-server` or Triton; more
   * than one for failover), not with `modelPath`. Their card is read now, for the job key.
   */
  readonly inferUrls?: readonly string[];
  /** Bearer token for that read only; never stored (workers use their `AUFORMER_INFER_TOKEN`). */
  readonly inferToken?: string;
  readonly options?: ArchivePipelineOptions;
  /** Attempts per job for transient errors. Defaults to 5. */
  readonly attempts?: number;
  /** First retry delay (doubling each time), in ms. Defaults to 2000. */
  readonly backoffMs?: number;
}

export interface SubmittedJob {
  readonly id: string;
  readonly input: string;
  readonly outDir: string;
  readonly parts: number;
  /** True when the same job already existed (queued, done or with a `_SUCCESS.json`): nothing was added. */
  readonly duplicate: boolean;
}

const DEFAULTS = { preRollMs: 5000, attempts: 5, backoffMs: 2000 } as const;

export class ArchiveQueue {
  private constructor(
    private readonly connection: Redis,
    private readonly flows: FlowProducer,
    private readonly parts: Queue,
    private readonly merges: Queue,
    private readonly name: string,
  ) {}

  /** Connects to Redis (`redis://host:port[/db]`); rejects with `AUF_ERR_REDIS_CONNECT`. */
  static async connect(url: string, options: ArchiveQueueOptions = {}): Promise<ArchiveQueue> {
    const { bullmq } = await loadEngines();
    const name = options.name ?? DEFAULT_QUEUE_NAME;
    const connection = await connectRedis(url);
    const flows = new bullmq.FlowProducer({ connection });
    const parts = new bullmq.Queue(partsQueueName(name), { connection });
    const merges = new bullmq.Queue(mergeQueueName(name), { connection });
    // Connection errors while Redis restarts: the commands that need Redis reject on their own.
    flows.on('error', () => undefined);
    for (const queue of [parts, merges]) queue.on('error', () => undefined);
    return new ArchiveQueue(connection, flows, parts, merges, name);
  }

  /** One job per input file, or per video file directly in an input folder. */
  async submit(paths: readonly string[], options: SubmitOptions): Promise<SubmittedJob[]> {
    const inputs = await expandInputs(paths);
    const stems = new Map<string, string>();
    for (const input of inputs) {
      const other = stems.get(inputStem(input));
      if (other !== undefined) {
        throw new OptionError(
          `submit: '${other}' and '${input}' would both write '${inputStem(input)}'; submit them to different outDirs.`,
        );
      }
      stems.set(inputStem(input), input);
    }
    assertNoToken(options.options, 'submit');
    const { model, fingerprint: modelFingerprint } = await resolveJobModel({
      ...options,
      modelOptions: options.options?.modelOptions,
    });
    const settings = {
      queueName: this.name,
      outDir: options.outDir,
      chunkMs: options.chunkMs,
      preRollMs: options.preRollMs ?? DEFAULTS.preRollMs,
      formats: options.formats ?? (options.options?.events ? ['csv', 'jsonl', 'events'] : ['csv', 'jsonl']),
      meshPoints: options.meshPoints ?? 68,
      model,
      modelFingerprint,
      options: options.options ?? {},
      attempts: options.attempts ?? DEFAULTS.attempts,
      backoffMs: options.backoffMs ?? DEFAULTS.backoffMs,
    } as const;
    const submitted: SubmittedJob[] = [];
    for (const input of inputs) {
      const flow = await buildFlow(input, settings);
      const { jobKey, outDir, parts } = flow.data;
      const done = (await readManifest(outDir))?.jobKey === jobKey;
      const duplicate = done || (await this.merges.getJob(jobKey)) !== undefined;
      if (!duplicate) await this.flows.add(flow);
      submitted.push({ id: jobKey, input: flow.data.input, outDir, parts, duplicate });
    }
    return submitted;
  }

  /** Every archive job the queue holds, newest first. */
  async list(): Promise<ArchiveJobStatus[]> {
    const jobs = (await this.merges.getJobs()) as Job<MergeJobData>[];
    const described = await Promise.all(jobs.map((job) => describeJob(job, this.parts)));
    return described.sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
  }

  async status(id: string): Promise<ArchiveJobStatus> {
    return describeJob(await findJob<MergeJobData>(this.merges, id), this.parts);
  }

  /** Retries a failed job: its failed parts, then the merge. */
  async retry(id: string): Promise<void> {
    const job = await findJob<MergeJobData>(this.merges, id);
    const status = await describeJob(job, this.parts);
    for (const part of status.partStates.flatMap((state, i) => (state === 'failed' ? [i] : []))) {
      await (await findJob(this.parts, `${id}-p${part}`)).retry('failed');
    }
    if ((await job.getState()) === 'failed') await job.retry('failed');
  }

  /** Removes a job and its parts (a part being processed finishes its attempt, then is dropped). */
  async cancel(id: string): Promise<void> {
    await (await findJob(this.merges, id)).remove({ removeChildren: true });
  }

  /** Removes completed and failed jobs older than `graceMs` (default 0); returns how many. */
  async clean(graceMs = 0): Promise<number> {
    let removed = 0;
    for (const queue of [this.merges, this.parts]) {
      for (const state of ['completed', 'failed'] as const)
        removed += (await queue.clean(graceMs, 0, state)).length;
    }
    return removed;
  }

  async close(): Promise<void> {
    await Promise.all([this.flows.close(), this.parts.close(), this.merges.close()]);
    await this.connection.quit();
  }
}
