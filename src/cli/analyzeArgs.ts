/** Parses `auformer analyze` arguments into SDK options; usage errors are `UsageError`s. */
import { parseArgs } from 'node:util';
import type { AnalyzeOptions } from '../analyze.js';
import type { CsvStyle } from '../sinks/csvColumns.js';
import { SAMPLE_VIDEO } from '../sources/sampleVideo.js';
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
  --sample             analyse the bundled 6-second sample clip (SAMPLE_VIDEO)
  --out <file>         .csv or .jsonl; repeatable. Default: results.csv
  --csv-style <style>  auformer (every column, default) | openface (OpenFace 2.2's columns we can fill)
  --summary <file.csv> also write one row per face track: frames, duration, per-AU mean/max/% active/episodes
  --start <s>          start at this time, in seconds      --end <s>  stop at this time, in seconds
  --events-out <file>  also write the episodes to this CSV (implies --events; with --events and
                       no .jsonl output they go to <first csv>.events.csv)
  --annotate <out.mp4> also write the video with boxes, track ids, keypoints and AU panels (one video input)
  --plot <out.png>     also draw per-track AU timelines as a PNG
  --quiet              no progress line
${PIPELINE_USAGE}`;

export interface AnalyzeArgs {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly eventsOut: string | undefined;
  /** `--summary`: per-track summary CSV path. */
  readonly summaryOut: string | undefined;
  readonly csvStyle: CsvStyle;
  /** `--annotate`: annotated video path (one video input only). */
  readonly annotateOut: string | undefined;
  /** `--plot`: timeline PNG path. */
  readonly plotOut: string | undefined;
  readonly modelPath: string | undefined;
  /** `--infer` URLs, when the model runs on inference servers. */
  readonly inferUrls: readonly string[] | undefined;
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
        sample: { type: 'boolean' },
        summary: { type: 'string' },
        'csv-style': { type: 'string' },
        annotate: { type: 'string' },
        plot: { type: 'string' },
        quiet: { type: 'boolean' },
      },
    }),
  );
  const v = parsed.values;
  const help = v.help === true;
  const inputs = v.sample === true ? [...parsed.positionals, SAMPLE_VIDEO] : parsed.positionals;
  if (!help && inputs.length === 0)
    throw new UsageError('give at least one video, image or folder (or --sample for the bundled clip)');
  const { outputs, modelPath, inferUrls, modelOptions, source, meshPoints, ...stages } = parsePipelineValues(
    v,
    ['results.csv'],
  );
  if (v.annotate !== undefined && inputs.length !== 1)
    throw new UsageError('--annotate needs exactly one video input');
  if (v.summary !== undefined && !/\.csv$/i.test(v.summary))
    throw new UsageError(`--summary must end in .csv, got '${v.summary}'`);
  const csvStyle = v['csv-style'] ?? 'auformer';
  if (csvStyle !== 'auformer' && csvStyle !== 'openface')
    throw new UsageError(`--csv-style must be auformer or openface, got '${csvStyle}'`);
  if (v.plot !== undefined && !/\.png$/i.test(v.plot))
    throw new UsageError(`--plot must end in .png, got '${v.plot}'`);
  const startS = num('start', v.start, 0);
  const endS = num('end', v.end, 0);
  if (startS !== undefined && endS !== undefined && endS <= startS)
    throw new UsageError('--end must be after --start');
  return {
    inputs,
    outputs,
    eventsOut: v['events-out'] ?? (stages.events === false ? undefined : eventsBesideCsv(outputs)),
    summaryOut: v.summary,
    csvStyle,
    annotateOut: v.annotate,
    plotOut: v.plot,
    modelPath,
    inferUrls,
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

/**
 * `--events` writes episodes to JSONL outputs; with CSV outputs only they would be computed and
 * written nowhere, so they go next to the first CSV: `results.csv` -> `results.events.csv`.
 */
function eventsBesideCsv(outputs: readonly string[]): string | undefined {
  if (outputs.some((o) => /\.jsonl$/i.test(o))) return undefined;
  return outputs[0]?.replace(/\.csv$/i, '.events.csv');
}
