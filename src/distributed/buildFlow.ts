/**
 * Turns one input into its BullMQ flow: a merge job (the parent) over one part job per range.
 * Everything that decides the outputs goes into the job key, so an identical resubmission maps
 * onto the same ids (a no-op) and a changed one (file, options, model, chunking) does not.
 */
import { basename, extname, join, resolve } from 'node:path';
import type { FlowJob } from 'bullmq';
import { type AufError, type MeshPointCount, openFile } from '../index.js';
import type {
  ArchiveFormat,
  ArchivePipelineOptions,
  JobModel,
  MergeJobData,
  PartJobData,
} from './archiveTypes.js';
import { fingerprintFile, jobKeyOf } from './fingerprint.js';
import { planParts } from './planParts.js';
import { mergeQueueName, partJobId, partsQueueName } from './queueNames.js';

export interface FlowSettings {
  readonly queueName: string;
  readonly outDir: string;
  readonly chunkMs: number | undefined;
  readonly preRollMs: number;
  readonly formats: readonly ArchiveFormat[];
  readonly meshPoints: MeshPointCount;
  readonly model: JobModel;
  /** The model's part of the job key (see jobModel.ts). */
  readonly modelFingerprint: string;
  readonly options: ArchivePipelineOptions;
  readonly attempts: number;
  readonly backoffMs: number;
}

/** The stem outputs are named after: `interviews/day1.mp4` -> `day1`. */
export function inputStem(input: string): string {
  return basename(input, extname(input));
}

export async function buildFlow(file: string, s: FlowSettings): Promise<FlowJob & { data: MergeJobData }> {
  const input = resolve(file);
  const fingerprint = await fingerprintFile(input);
  // A file that does not probe still gets a job: the worker fails it with its code.
  const durationMs = await openFile(input, s.options.source ?? {}).then(
    (opened) => opened.info.durationMs,
    (error: AufError) => (error.code ? undefined : Promise.reject(error)),
  );
  const ranges = planParts(durationMs, s.chunkMs);
  const { formats, meshPoints, options, preRollMs, model, modelFingerprint } = s;
  const outDir = join(resolve(s.outDir), inputStem(input));
  const outputs = { formats, meshPoints };
  const jobKey = jobKeyOf({ fingerprint, modelFingerprint, ranges, options, preRollMs, outputs, outDir });
  const stem = inputStem(input);
  const base = { jobKey, input, outDir, stem, model, options, preRollMs };
  const opts = { attempts: s.attempts, backoff: { type: 'exponential', delay: s.backoffMs } };
  const data: MergeJobData = {
    ...base,
    kind: 'merge',
    parts: ranges.length,
    formats,
    meshPoints,
    submittedAt: new Date().toISOString(),
    fingerprint,
    ...(durationMs === undefined ? {} : { durationMs }),
  };
  return {
    name: 'merge',
    queueName: mergeQueueName(s.queueName),
    data,
    opts: { ...opts, jobId: jobKey },
    children: ranges.map((range, part) => {
      const child: PartJobData = { ...base, kind: 'part', part, parts: ranges.length, ...range };
      return {
        name: 'part',
        queueName: partsQueueName(s.queueName),
        data: child,
        opts: { ...opts, jobId: partJobId(jobKey, part), failParentOnFailure: true },
      };
    }),
  };
}
