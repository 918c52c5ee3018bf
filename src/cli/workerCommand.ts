/**
 * `auformer worker --queue redis://...`: runs archive part and merge jobs until SIGTERM or
 * SIGINT, then drains (active jobs finish, no new ones start) and exits 0.
 */
import { parseArgs } from 'node:util';
import type { CommandIO } from './analyzeCommand.js';
import { durationMs, QUEUE_OPTIONS, QUEUE_USAGE, requireQueue, serveMetrics } from './distributedArgs.js';
import { INFER_TOKEN_ENV } from '../distributed/sharedModel.js';
import {
  asUsageError,
  num,
  parsePipelineValues,
  type PipelineArgs,
  rejectOptions,
  UsageError,
} from './pipelineArgs.js';

export const WORKER_USAGE = `Usage: auformer worker --queue <redis://host:port> [options]

Runs archive jobs from 'auformer submit' until SIGTERM / SIGINT, then finishes its active jobs.
With --live, holds up to --capacity cameras from 'auformer cameras add' instead (on SIGTERM they
go to other hosts).

Options:
${QUEUE_USAGE}
  --concurrency <n>    part jobs at once, one child process each (default 1)
  --lock <duration>    a job whose worker stops renewing its lock this long moves to another
                       worker (default 30s)
  --stalled-check <duration>  how often to look for such jobs (default 15s; --live: 5s)
  --live               hold cameras (leases) instead of running archive jobs
  --capacity <n>       --live: most cameras this host holds (required with --live)
  --model <file.onnx>  --live: the AUFormer model (default: the embedded tiny model)
  --infer <url[,url]>  --live: run the model on inference servers instead (archive jobs name
                       their model at submit: 'auformer submit --infer')
  --infer-token <T>    bearer token for the inference servers (or set AUFORMER_INFER_TOKEN);
                       never stored in Redis
  --infer-timeout <s>  --live --infer: seconds a batch may take, retries included (default 10)
  --batch <n>          --live: model batch size across this host's cameras (default 16)
  --threads <n>        --live: onnxruntime intra-op threads (default: one per core)
  --metrics <host:port>  serve Prometheus /metrics and /healthz there (port 0 = any free port)
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
        live: { type: 'boolean' },
        capacity: { type: 'string' },
        model: { type: 'string' },
        infer: { type: 'string' },
        'infer-token': { type: 'string' },
        'infer-timeout': { type: 'string' },
        batch: { type: 'string' },
        threads: { type: 'string' },
        metrics: { type: 'string' },
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
  const { startCameraWorker, startWorker } = await import('../distributed/index.js');
  const onWarning = (message: string): void => void io.stderr.write(`auformer worker: warning: ${message}\n`);
  const capacity = num('capacity', v.capacity, 1);
  if (v.live && capacity === undefined) throw new UsageError('--live needs --capacity <n>');
  const { inferUrls, modelOptions } = workerModel(v);
  // The sandboxed part processes and sharedModel read it from the environment.
  if (v['infer-token'] !== undefined) process.env[INFER_TOKEN_ENV] = v['infer-token'];
  const worker = v.live
    ? await startCameraWorker(url, {
        capacity: Math.floor(capacity ?? 1),
        ...(v['queue-name'] === undefined ? {} : { name: v['queue-name'] }),
        ...(lockDurationMs === undefined ? {} : { lockDurationMs }),
        ...(stalledIntervalMs === undefined ? {} : { stalledIntervalMs }),
        ...(v.model === undefined ? {} : { modelPath: v.model }),
        ...(inferUrls === undefined ? {} : { inferUrls }),
        modelOptions,
        onWarning,
      })
    : await startWorker(url, {
        ...(v['queue-name'] === undefined ? {} : { name: v['queue-name'] }),
        ...(concurrency === undefined ? {} : { concurrency: Math.floor(concurrency) }),
        ...(lockDurationMs === undefined ? {} : { lockDurationMs }),
        ...(stalledIntervalMs === undefined ? {} : { stalledIntervalMs }),
        onWarning,
      });
  const ops = v.metrics === undefined ? undefined : await serveMetrics(worker, v.metrics);
  if (ops) io.stderr.write(`metrics on ${ops.url}/metrics\n`);
  io.stderr.write(`worker ${process.pid} ready on ${url.replace(/\/\/[^@/]*@/, '//***@')}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      io.stderr.write(v.live ? 'stopping: cameras go to other hosts\n' : 'draining: finishing active jobs\n');
      resolve();
    };
    process.once('SIGTERM', stop).once('SIGINT', stop);
  });
  await worker.close();
  await ops?.close();
  io.stderr.write('worker stopped\n');
  return 0;
}

const MODEL_FLAGS = ['model', 'infer', 'infer-timeout', 'batch', 'threads'] as const;

/** `--model` / `--infer` and how to run it name a `--live` host's model; archive jobs carry theirs. */
function workerModel(
  v: Partial<Record<(typeof MODEL_FLAGS)[number], string>> & { readonly live?: boolean },
): Pick<PipelineArgs, 'inferUrls' | 'modelOptions'> {
  const flags = Object.fromEntries(MODEL_FLAGS.map((name) => [name, v[name]]));
  if (!v.live)
    rejectOptions(
      flags,
      MODEL_FLAGS,
      'only --live hosts take these; archive jobs name their model at submit',
    );
  const { inferUrls, modelOptions } = parsePipelineValues(flags, []);
  return { inferUrls, modelOptions };
}
