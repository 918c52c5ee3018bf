/**
 * `auformer jobs list|status|retry|cancel|clean --queue redis://...`: inspect and manage archive
 * jobs. `list` prints one line per job, `status <id>` its JSON (exit 1 when it failed).
 */
import { parseArgs } from 'node:util';
import type { ArchiveJobStatus } from '../distributed/index.js';
import type { CommandIO } from './analyzeCommand.js';
import { durationMs, QUEUE_OPTIONS, QUEUE_USAGE, requireQueue } from './distributedArgs.js';
import { asUsageError, UsageError } from './pipelineArgs.js';

export const JOBS_USAGE = `Usage: auformer jobs <list|status <id>|retry <id>|cancel <id>|clean> --queue <redis://host:port>

  list          one line per job: id, state, parts done, media done, failure code, input
  status <id>   the job as JSON (state, parts, progress, failedReason, code); exit 1 if failed
  retry <id>    retry a failed job (its failed parts, then the merge)
  cancel <id>   remove a job and its parts
  clean         remove completed and failed jobs (outputs stay; resubmitting them stays a no-op)

Options:
${QUEUE_USAGE}
  --grace <duration>  clean: only jobs finished longer ago than this (default 0)`;

export async function runJobs(argv: readonly string[], io: CommandIO): Promise<number> {
  const parsed = asUsageError(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { ...QUEUE_OPTIONS, grace: { type: 'string' } },
    }),
  );
  const v = parsed.values;
  if (v.help) {
    io.stdout.write(`${JOBS_USAGE}\n`);
    return 0;
  }
  const [action, id] = parsed.positionals;
  const needsId = action === 'status' || action === 'retry' || action === 'cancel';
  if (!['list', 'status', 'retry', 'cancel', 'clean'].includes(action ?? '')) {
    throw new UsageError(`give an action: list, status, retry, cancel or clean (got '${action ?? ''}')`);
  }
  if (needsId && id === undefined) throw new UsageError(`jobs ${action} needs a job id`);
  const url = requireQueue(v.queue);
  const graceMs = durationMs('grace', v.grace) ?? 0;
  const { ArchiveQueue } = await import('../distributed/index.js');
  const queue = await ArchiveQueue.connect(
    url,
    v['queue-name'] === undefined ? {} : { name: v['queue-name'] },
  );
  try {
    if (action === 'list') for (const job of await queue.list()) io.stdout.write(`${listLine(job)}\n`);
    else if (action === 'status') {
      const status = await queue.status(id!);
      io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      return status.state === 'failed' ? 1 : 0;
    } else if (action === 'retry') await queue.retry(id!);
    else if (action === 'cancel') await queue.cancel(id!);
    else io.stdout.write(`removed ${await queue.clean(graceMs)} jobs\n`);
    return 0;
  } finally {
    await queue.close();
  }
}

function listLine(job: ArchiveJobStatus): string {
  const parts = `${job.partStates.filter((s) => s === 'completed').length}/${job.partStates.length}`;
  const media = `${(job.doneMs / 1000).toFixed(1)}/${((job.durationMs ?? 0) / 1000).toFixed(1)}s`;
  return [job.id, job.state, `parts=${parts}`, media, job.code ?? '-', job.input].join('  ');
}
