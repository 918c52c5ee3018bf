#!/usr/bin/env node
/**
 * `auformer <command>`: exit 0 on success, 1 on a runtime error, 2 on a usage error, 130 after
 * SIGINT (`analyze` also after SIGTERM; `serve` exits 0 on SIGTERM).
 */
import { AufError } from '../errors.js';
import { ANALYZE_USAGE, UsageError } from './analyzeArgs.js';
import { runAnalyze } from './analyzeCommand.js';
import { CROPS_USAGE } from './cropsArgs.js';
import { reportWorkerError, runCrops } from './cropsCommand.js';
import { INFER_SERVER_USAGE, runInferServer } from './inferServerCommand.js';
import { PLOT_USAGE, runPlot } from './plotCommand.js';
import { SERVE_USAGE } from './serveArgs.js';
import { runServe } from './serveCommand.js';
import { packageVersion } from './version.js';

const USAGE = `Usage: auformer <command> [options]

Commands:
  analyze <video|image|folder...>   AUs of every face in every frame, to CSV / JSONL
  serve <rtsp-url|file|device...>   live AUs of many streams on one model, over WebSocket
  plot <results.jsonl> --out <png>  per-track AU timelines of a JSONL results file, as a PNG
  crops <folder|image...> --out <dir>  aligned training crops (PNG) + keypoints, by the SDK's detector
  infer-server                      serve the model to other hosts (KServe v2 / Triton protocol)
  submit <video...> --queue <redis> --out <dir>   archive jobs for workers (needs bullmq, ioredis)
  worker --queue <redis>            run archive jobs (docs/distributed.md)
  jobs <list|status|retry|cancel|clean> --queue <redis>   manage archive jobs
  gateway --from <redis> --ws <host:port>   serve results streams to WebSocket viewers
  cameras <add|remove|list> --queue <redis>  cameras for 'auformer worker --live' hosts

Options:
  -h, --help     show this help
  -v, --version  print the version

Run 'auformer <command> --help' for a command's options.`;

async function main(argv: readonly string[]): Promise<number> {
  const io = { stdout: process.stdout, stderr: process.stderr };
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'analyze':
        return await runAnalyze(rest, io);
      case 'serve':
        return await runServe(rest, io);
      case 'plot':
        return await runPlot(rest, io);
      case 'crops':
        return await runCrops(rest, io);
      case 'infer-server':
        return await runInferServer(rest, io);
      case 'submit':
        return await (await import('./submitCommand.js')).runSubmit(rest, io);
      case 'worker':
        return await (await import('./workerCommand.js')).runWorker(rest, io);
      case 'jobs':
        return await (await import('./jobsCommand.js')).runJobs(rest, io);
      case 'gateway':
        return await (await import('./gatewayCommand.js')).runGateway(rest, io);
      case 'cameras':
        return await (await import('./camerasCommand.js')).runCameras(rest, io);
      case '-v':
      case '--version':
        io.stdout.write(`${packageVersion()}\n`);
        return 0;
      case undefined:
      case '-h':
      case '--help':
        io.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (command === 'crops') reportWorkerError(error);
    if (error instanceof UsageError) {
      const usage =
        {
          analyze: ANALYZE_USAGE,
          serve: SERVE_USAGE,
          plot: PLOT_USAGE,
          crops: CROPS_USAGE,
          'infer-server': INFER_SERVER_USAGE,
          ...(await distributedUsages()),
        }[command ?? ''] ?? USAGE;
      io.stderr.write(`auformer: ${error.message}\n\n${usage}\n`);
      return 2;
    }
    if (error instanceof AufError || (error instanceof Error && 'code' in error)) {
      io.stderr.write(`auformer: error ${(error as AufError).code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** The distributed commands' usages, loaded only when one of them failed to parse. */
async function distributedUsages(): Promise<Record<string, string>> {
  const [submit, worker, jobs, gateway, cameras] = await Promise.all([
    import('./submitCommand.js'),
    import('./workerCommand.js'),
    import('./jobsCommand.js'),
    import('./gatewayCommand.js'),
    import('./camerasCommand.js'),
  ]);
  return {
    submit: submit.SUBMIT_USAGE,
    worker: worker.WORKER_USAGE,
    jobs: jobs.JOBS_USAGE,
    gateway: gateway.GATEWAY_USAGE,
    cameras: cameras.CAMERAS_USAGE,
  };
}

process.exitCode = await main(process.argv.slice(2));
