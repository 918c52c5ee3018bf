/**
 * `auformer submit FILES... --queue redis://... --out DIR`: one archive job per file (split with
 * `--chunk`); prints each job id, marked `(already submitted)` for a duplicate. `--wait` follows
 * the batch to the end with progress and ETA, and exits 1 when a job failed.
 */
import { parseArgs } from 'node:util';
import type { ArchiveJobStatus, ArchiveQueue } from '../distributed/index.js';
import type { CommandIO } from './analyzeCommand.js';
import {
  durationMs,
  jobPipelineOptions,
  QUEUE_OPTIONS,
  QUEUE_USAGE,
  requireQueue,
} from './distributedArgs.js';
import {
  asUsageError,
  PIPELINE_OPTIONS,
  parsePipelineValues,
  pipelineUsage,
  UsageError,
} from './pipelineArgs.js';

export const SUBMIT_USAGE = `Usage: auformer submit <video|folder...> --queue <redis://host:port> --out <dir> [options]

Queues one archive job per video (a folder: each video file directly in it) for
'auformer worker's; results go to <dir>/<name>/ as <name>.csv, <name>.jsonl (and
<name>.events.csv with --events), then _SUCCESS.json. Submitting the same files with the
same options again does nothing.

Options:
${QUEUE_USAGE}
  --out <dir>          output folder, on storage every worker can reach (required)
  --chunk <duration>   split longer videos into parts of this length, e.g. 10m (default: whole files)
  --pre-roll <duration> media decoded before each part to warm tracker and smoother (default 5s)
  --wait               follow the jobs to the end with progress and ETA; exit 1 if one failed
${pipelineUsage(['out'])}`;

export async function runSubmit(argv: readonly string[], io: CommandIO): Promise<number> {
  const parsed = asUsageError(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        ...PIPELINE_OPTIONS,
        ...QUEUE_OPTIONS,
        chunk: { type: 'string' },
        'pre-roll': { type: 'string' },
        wait: { type: 'boolean' },
      },
    }),
  );
  const v = parsed.values;
  if (v.help) {
    io.stdout.write(`${SUBMIT_USAGE}\n`);
    return 0;
  }
  if (parsed.positionals.length === 0) throw new UsageError('give at least one video');
  const url = requireQueue(v.queue);
  if (v.out?.length !== 1) throw new UsageError('--out <dir> is required, once');
  const pipeline = parsePipelineValues({ ...v, out: [] }, []);
  const chunkMs = durationMs('chunk', v.chunk);
  const preRollMs = durationMs('pre-roll', v['pre-roll']);
  const { ArchiveQueue } = await import('../distributed/index.js');
  const queue = await ArchiveQueue.connect(
    url,
    v['queue-name'] === undefined ? {} : { name: v['queue-name'] },
  );
  try {
    const jobs = await queue.submit(parsed.positionals, {
      outDir: v.out[0]!,
      ...(chunkMs === undefined ? {} : { chunkMs }),
      ...(preRollMs === undefined ? {} : { preRollMs }),
      ...(pipeline.modelPath === undefined ? {} : { modelPath: pipeline.modelPath }),
      ...(pipeline.inferUrls === undefined ? {} : { inferUrls: pipeline.inferUrls }),
      ...(pipeline.modelOptions.token === undefined ? {} : { inferToken: pipeline.modelOptions.token }),
      // Job data sits in Redis in clear: the token stays out of it (JSON drops undefined).
      options: {
        ...jobPipelineOptions(pipeline),
        modelOptions: { ...pipeline.modelOptions, token: undefined },
      },
      meshPoints: pipeline.meshPoints,
    });
    for (const job of jobs) {
      const note = job.duplicate ? ' (already submitted)' : '';
      io.stdout.write(`${job.id} ${job.input} parts=${job.parts}${note}\n`);
    }
    return v.wait ? await follow(queue, new Set(jobs.map((j) => j.id)), io) : 0;
  } finally {
    await queue.close();
  }
}

async function follow(queue: ArchiveQueue, ids: ReadonlySet<string>, io: CommandIO): Promise<number> {
  const started = Date.now();
  for (;;) {
    const jobs = (await queue.list()).filter((j) => ids.has(j.id));
    const finished = jobs.filter((j) => j.state === 'completed' || j.state === 'failed');
    io.stderr.write(`${progressLine(jobs, Date.now() - started)}\n`);
    if (finished.length >= ids.size || jobs.length < ids.size) {
      const failed = jobs.filter((j) => j.state === 'failed');
      for (const job of failed) io.stderr.write(`failed ${job.id} ${job.input}: ${job.failedReason ?? ''}\n`);
      return failed.length > 0 || jobs.length < ids.size ? 1 : 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** `3/6 jobs done, 1 failed, 41% of 12:00 media, ETA 2:10`. */
export function progressLine(jobs: readonly ArchiveJobStatus[], elapsedMs: number): string {
  const done = jobs.filter((j) => j.state === 'completed').length;
  const failed = jobs.filter((j) => j.state === 'failed').length;
  const total = jobs.reduce((sum, j) => sum + (j.durationMs ?? 0), 0);
  const doneMs = jobs.reduce((sum, j) => sum + j.doneMs, 0);
  const ratio = total > 0 ? doneMs / total : 0;
  const eta = ratio > 0 && ratio < 1 ? ` ETA ${clock((elapsedMs / ratio) * (1 - ratio))}` : '';
  return `${done}/${jobs.length} jobs done, ${failed} failed, ${Math.round(ratio * 100)}% of ${clock(total)} media${eta}`;
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
