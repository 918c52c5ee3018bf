/** What `auformer jobs` shows about an archive job: its state, parts, progress and failure code. */
import type { Job, Queue } from 'bullmq';
import { DistributedError } from '../errors.js';
import type { MergeJobData, PartCheckpoint, PartJobData } from './archiveTypes.js';
import { codeInReason } from './jobErrors.js';
import { partJobId } from './queueNames.js';

export interface ArchiveJobStatus {
  readonly id: string;
  readonly input: string;
  readonly outDir: string;
  /** BullMQ's state of the merge: `waiting-children` while parts run, then `completed` or `failed`. */
  readonly state: string;
  /** One BullMQ state per part (`missing` once cleaned). */
  readonly partStates: readonly string[];
  /** Media time done over all parts, in ms (completed parts count in full). */
  readonly doneMs: number;
  readonly durationMs?: number;
  readonly attempts: number;
  /** The first failure, from the merge or a part, and its `AUF_ERR_*` code. */
  readonly failedReason?: string;
  readonly code?: string;
  readonly submittedAt: string;
  /** The parts' log lines (`p<n>: resumed after ...`), in part order. */
  readonly logs: readonly string[];
}

export async function findJob<T>(queue: Queue, id: string): Promise<Job<T>> {
  const job = (await queue.getJob(id)) as Job<T> | undefined;
  if (!job) {
    throw new DistributedError(
      'AUF_ERR_JOB_NOT_FOUND',
      `No job '${id}' in queue ${queue.name}. 'auformer jobs list' shows the ids.`,
    );
  }
  return job;
}

export async function describeJob(job: Job<MergeJobData>, parts: Queue): Promise<ArchiveJobStatus> {
  const { data } = job;
  // The merge's state first: once it reads failed or completed, its parts were final before,
  // so the part attempts and reasons read below are their last ones.
  const state = await job.getState();
  const partJobs = await Promise.all(
    Array.from(
      { length: data.parts },
      (_, i) => parts.getJob(partJobId(data.jobKey, i)) as Promise<Job | undefined>,
    ),
  );
  const partStates = await Promise.all(partJobs.map((p) => (p ? p.getState() : 'missing')));
  const logs = await Promise.all(
    partJobs.map(async (p, i) =>
      p?.id ? (await parts.getJobLogs(p.id)).logs.map((line) => `p${i}: ${line}`) : [],
    ),
  );
  let doneMs = 0;
  partJobs.forEach((p, i) => {
    if (!p) return;
    const range = p.data as PartJobData;
    if (partStates[i] === 'completed')
      doneMs += (range.endMs ?? data.durationMs ?? range.startMs) - range.startMs;
    else if (typeof p.progress === 'object')
      doneMs += Math.max(0, (p.progress as PartCheckpoint).doneMs - range.startMs);
  });
  // A failed part fails the merge with "child ... failed": the part's reason is the useful one.
  const failedReason = partJobs.find((p) => p?.failedReason)?.failedReason ?? (job.failedReason || undefined);
  const code = codeInReason(failedReason);
  return {
    id: data.jobKey,
    input: data.input,
    outDir: data.outDir,
    state,
    partStates,
    doneMs: Math.min(doneMs, data.durationMs ?? doneMs),
    ...(data.durationMs === undefined ? {} : { durationMs: data.durationMs }),
    attempts: Math.max(job.attemptsMade, ...partJobs.map((p) => p?.attemptsMade ?? 0)),
    ...(failedReason ? { failedReason } : {}),
    ...(code ? { code } : {}),
    submittedAt: data.submittedAt,
    logs: logs.flat(),
  };
}
