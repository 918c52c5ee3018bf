/** Parses `auformer analyze` arguments into SDK options; usage errors are `UsageError`s. */
import { parseArgs } from 'node:util';
import type { AnalyzeOptions } from '../analyze.js';
import {
  PIPELINE_OPTIONS,
  PIPELINE_USAGE,
  UsageError,
  asUsageError,
  num,
  parsePipelineValues,
} from './pipelineArgs.js';

export { UsageError } from './pipelineArgs.js';

export const ANALYZE_USAGE = `Usage: auformer analyze <video|image|folder...> [options]

Writes one row per face per frame (a row with success 0 when no face is found).

Options:
  --out <file>         .csv (OpenFace-style columns) or .jsonl; repeatable. Default: results.csv
  --start <s>          start at this time, in seconds      --end <s>  stop at this time, in seconds
  --events-out <file>  also write the episodes to this CSV (implies --events)
  --annotate <out.mp4> also write the video with boxes, track ids, keypoints and AU panels (one video input)
  --plot <out.png>     also draw per-track AU timelines as a PNG
  --quiet              no progress line
${PIPELINE_USAGE}`;

export interface AnalyzeArgs {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly eventsOut: string | undefined;
  /** `--annotate`: annotated video path (one video input only). */
  readonly annotateOut: string | undefined;
  /** `--plot`: timeline PNG path. */
  readonly plotOut: string | undefined;
  readonly modelPath: string | undefined;
  /** `--mesh-points`: mesh points per face in .jsonl outputs. */
  readonly meshPoints: 68 | 468;
  readonly quiet: boolean;
  readonly help: boolean;
  readonly options: Omit<AnalyzeOptions, 'model'>;
}

export function parseAnalyzeArgs(argv: readonly string[]): AnalyzeArgs {
  const parsed = asUsageError(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        ...PIPELINE_OPTIONS,
        start: { type: 'string' },
        end: { type: 'string' },
        'events-out': { type: 'string' },
        annotate: { type: 'string' },
        plot: { type: 'string' },
        quiet: { type: 'boolean' },
      },
    }),
  );
  const v = parsed.values;
  const help = v.help === true;
  if (!help && parsed.positionals.length === 0)
    throw new UsageError('give at least one video, image or folder');
  const { outputs, modelPath, modelOptions, source, meshPoints, ...stages } = parsePipelineValues(v, [
    'results.csv',
  ]);
  if (v.annotate !== undefined && parsed.positionals.length !== 1)
    throw new UsageError('--annotate needs exactly one video input');
  if (v.plot !== undefined && !/\.png$/i.test(v.plot))
    throw new UsageError(`--plot must end in .png, got '${v.plot}'`);
  const startS = num('start', v.start, 0);
  const endS = num('end', v.end, 0);
  if (startS !== undefined && endS !== undefined && endS <= startS)
    throw new UsageError('--end must be after --start');
  return {
    inputs: parsed.positionals,
    outputs,
    eventsOut: v['events-out'],
    annotateOut: v.annotate,
    plotOut: v.plot,
    modelPath,
    meshPoints,
    quiet: v.quiet === true,
    help,
    options: {
      ...stages,
      events: stages.events === false && v['events-out'] === undefined ? false : {},
      modelOptions,
      source: {
        ...source,
        ...(startS === undefined ? {} : { startMs: startS * 1000 }),
        ...(endS === undefined ? {} : { endMs: endS * 1000 }),
      },
    },
  };
}
