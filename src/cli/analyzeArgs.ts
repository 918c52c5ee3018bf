/** Parses `auformer analyze` arguments into SDK options; usage errors are `UsageError`s. */
import { parseArgs } from 'node:util';
import type { AnalyzeOptions } from '../analyze.js';
import type { SmoothingMethod } from '../operators/smoothing/smoothingOptions.js';

export class UsageError extends Error {}

export const ANALYZE_USAGE = `Usage: auformer analyze <video|image|folder...> [options]

Writes one row per face per frame (a row with success 0 when no face is found).

Options:
  --out <file>         .csv (OpenFace-style columns) or .jsonl; repeatable. Default: results.csv
  --model <file.onnx>  AUFormer ONNX exported by model/. Default: the embedded UNTRAINED tiny model
  --fps <n>            sample n frames per second (default: every frame)
  --start <s>          start at this time, in seconds      --end <s>  stop at this time, in seconds
  --max-width <px>     downscale wider frames (by ffmpeg) before detection
  --max-faces <n>      at most n faces per frame (default 8)
  --detector <name>    BlazeFace 'front' (close faces, default) or 'back' (smaller faces)
  --tile               also detect on overlapping tiles (small faces in large frames)
  --no-track           number faces per frame instead of tracking them
  --smooth <method>    none | ema | one-euro | median (default none: raw probabilities)
  --events             detect AU episodes (written to .jsonl outputs)
  --events-out <file>  also write the episodes to this CSV (implies --events)
  --annotate <out.mp4> also write the video with boxes, track ids, keypoints and AU panels (one video input)
  --plot <out.png>     also draw per-track AU timelines as a PNG
  --batch <n>          model batch size (default 16)
  --threads <n>        onnxruntime intra-op threads (default: one per core)
  --quiet              no progress line
  -h, --help           show this help`;

export interface AnalyzeArgs {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly eventsOut: string | undefined;
  /** `--annotate`: annotated video path (one video input only). */
  readonly annotateOut: string | undefined;
  /** `--plot`: timeline PNG path. */
  readonly plotOut: string | undefined;
  readonly modelPath: string | undefined;
  readonly quiet: boolean;
  readonly help: boolean;
  readonly options: Omit<AnalyzeOptions, 'model'>;
}

const SMOOTHERS: readonly string[] = ['none', 'ema', 'one-euro', 'median'];

function num(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw new UsageError(`--${name} must be a number >= ${min}, got '${value}'`);
  return n;
}

export function parseAnalyzeArgs(argv: readonly string[]): AnalyzeArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string', multiple: true },
        model: { type: 'string' },
        fps: { type: 'string' },
        start: { type: 'string' },
        end: { type: 'string' },
        'max-width': { type: 'string' },
        'max-faces': { type: 'string' },
        detector: { type: 'string' },
        tile: { type: 'boolean' },
        'no-track': { type: 'boolean' },
        smooth: { type: 'string' },
        events: { type: 'boolean' },
        'events-out': { type: 'string' },
        annotate: { type: 'string' },
        plot: { type: 'string' },
        batch: { type: 'string' },
        threads: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  const help = v.help === true;
  if (!help && parsed.positionals.length === 0)
    throw new UsageError('give at least one video, image or folder');
  const outputs = v.out ?? ['results.csv'];
  for (const o of outputs) {
    if (!/\.(csv|jsonl)$/i.test(o)) throw new UsageError(`--out must end in .csv or .jsonl, got '${o}'`);
  }
  if (v.detector !== undefined && v.detector !== 'front' && v.detector !== 'back') {
    throw new UsageError(`--detector must be 'front' or 'back', got '${v.detector}'`);
  }
  if (v.smooth !== undefined && !SMOOTHERS.includes(v.smooth)) {
    throw new UsageError(`--smooth must be one of ${SMOOTHERS.join(', ')}, got '${v.smooth}'`);
  }
  if (v.annotate !== undefined && parsed.positionals.length !== 1)
    throw new UsageError('--annotate needs exactly one video input');
  if (v.plot !== undefined && !/\.png$/i.test(v.plot))
    throw new UsageError(`--plot must end in .png, got '${v.plot}'`);
  const startS = num('start', v.start, 0);
  const endS = num('end', v.end, 0);
  if (startS !== undefined && endS !== undefined && endS <= startS)
    throw new UsageError('--end must be after --start');
  const batch = num('batch', v.batch, 1);
  const threads = num('threads', v.threads, 1);
  const events = v.events === true || v['events-out'] !== undefined;
  return {
    inputs: parsed.positionals,
    outputs,
    eventsOut: v['events-out'],
    annotateOut: v.annotate,
    plotOut: v.plot,
    modelPath: v.model,
    quiet: v.quiet === true,
    help,
    options: {
      modelOptions: {
        ...(batch === undefined ? {} : { maxBatch: Math.floor(batch) }),
        ...(threads === undefined ? {} : { intraOpThreads: Math.floor(threads) }),
      },
      detector: {
        ...(v.detector === undefined ? {} : { model: v.detector }),
        ...(v['max-faces'] === undefined ? {} : { maxFaces: num('max-faces', v['max-faces'], 1) }),
        ...(v.tile ? { tile: true } : {}),
      },
      source: {
        ...(v.fps === undefined ? {} : { fps: num('fps', v.fps, 0.001) }),
        ...(startS === undefined ? {} : { startMs: startS * 1000 }),
        ...(endS === undefined ? {} : { endMs: endS * 1000 }),
        ...(v['max-width'] === undefined ? {} : { maxWidth: num('max-width', v['max-width'], 16) }),
      },
      track: v['no-track'] ? false : {},
      smooth: v.smooth === undefined || v.smooth === 'none' ? false : { method: v.smooth as SmoothingMethod },
      events: events ? {} : false,
    },
  };
}
