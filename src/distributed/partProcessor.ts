/**
 * The sandboxed part processor: BullMQ runs it in a child process per concurrent job, so a
 * native crash (onnxruntime, a decoder) fails that attempt, which is retried, and never takes
 * the worker or its other jobs down. The child keeps its model between jobs.
 */
import type { SandboxedJob } from 'bullmq';
import type { PartJobData, PartResult } from './archiveTypes.js';
import { loadEngines } from './engines.js';
import { asJobError } from './jobErrors.js';
import { runPart } from './runPart.js';

export default async function processPart(job: SandboxedJob<PartJobData, PartResult>): Promise<PartResult> {
  try {
    return await runPart(job);
  } catch (error) {
    throw asJobError(error, (await loadEngines()).bullmq);
  }
}
