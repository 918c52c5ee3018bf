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

process.exitCode = await main(process.argv.slice(2));
