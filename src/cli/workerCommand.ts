/**
 * `auformer worker --queue redis://...`: runs archive part and merge jobs until SIGTERM or
 * SIGINT, then drains (active jobs finish, no new ones start) and exits 0.
 */
import { parseArgs } from 'node:util';
import type { CommandIO } from './analyzeCommand.js';
import { durationMs, QUEUE_OPTIONS, QUEUE_USAGE, requireQueue } from './distributedArgs.js';
import { asUsageError, num } from './pipelineArgs.js';

export const WORKER_USAGE = `Usage: auformer worker --queue <redis://host:port> [options]

Runs archive jobs from 'auformer submit' until SIGTERM / SIGINT, then finishes its active jobs.

Options:
${QUEUE_USAGE}
  --concurrency <n>    part jobs at once, one child process each (default 1)
  --lock <duration>    a job whose worker stops renewing its lock this long moves to another
                       worker (default 30s)
  --stalled-check <duration>  how often to look for such jobs (default 15s)
  -h, --help           show this help`;

export async function runWorker(argv: readonly string[], io: CommandIO): Promise<number> {
  const { values: v } = asUsageError(() =>
    parseArgs({
      args: [...argv],
      options: {
        ...QUEUE_OPTIONS,
        concurrency: { type: 'string' },
        lock: { type: 'string' },
        'stalled-check': { type: 'string' },
      },
    }),
  );
  if (v.help) {
    io.stdout.write(`${WORKER_USAGE}\n`);
    return 0;
  }
  const url = requireQueue(v.queue);
  const concurrency = num('concurrency', v.concurrency, 1);
  const lockDurationMs = durationMs('lock', v.lock);
  const stalledIntervalMs = durationMs('stalled-check', v['stalled-check']);
  const { startWorker } = await import('../distributed/index.js');
  const worker = await startWorker(url, {
    ...(v['queue-name'] === undefined ? {} : { name: v['queue-name'] }),
    ...(concurrency === undefined ? {} : { concurrency: Math.floor(concurrency) }),
    ...(lockDurationMs === undefined ? {} : { lockDurationMs }),
    ...(stalledIntervalMs === undefined ? {} : { stalledIntervalMs }),
    onWarning: (message) => io.stderr.write(`auformer worker: warning: ${message}\n`),
  });
  io.stderr.write(`worker ${process.pid} ready on ${url.replace(/\/\/[^@/]*@/, '//***@')}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      io.stderr.write('draining: finishing active jobs\n');
      resolve();
    };
    process.once('SIGTERM', stop).once('SIGINT', stop);
  });
  await worker.close();
  io.stderr.write('worker stopped\n');
  return 0;
}
