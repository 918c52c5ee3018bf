/**
 * The command-line options `analyze` and `serve` share (model, detector, tracking, sampling,
 * smoothing, events, outputs), parsed once into SDK options.
 */
import type { ParseArgsConfig } from 'node:util';
import type { FaceDetectorOptions } from '../detector/faceDetectorOptions.js';
import type { OpenAUModelOptions } from '../remote/openAUModel.js';
import type { FrameStagesOptions, TemporalStagesOptions } from '../operators/stages.js';
import { SMOOTHING_METHODS, type SmoothingMethod } from '../operators/smoothing/smoothingOptions.js';

/** A bad command line: the CLI prints the message and the usage, and exits with 2. */
export class UsageError extends Error {}

export const PIPELINE_OPTIONS = {
  out: { type: 'string', multiple: true },
  model: { type: 'string' },
  infer: { type: 'string' },
  'infer-token': { type: 'string' },
  'infer-timeout': { type: 'string' },
  fps: { type: 'string' },
  'max-width': { type: 'string' },
  'max-faces': { type: 'string' },
  detector: { type: 'string' },
  tile: { type: 'boolean' },
  'no-track': { type: 'boolean' },
  'no-landmarks': { type: 'boolean' },
  'mesh-points': { type: 'string' },
  'detect-every': { type: 'string' },
  'max-hz': { type: 'string' },
  smooth: { type: 'string' },
  events: { type: 'boolean' },
  batch: { type: 'string' },
  threads: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const PIPELINE_USAGE = `  --model <file.onnx>  AUFormer ONNX exported by model/. Default: the embedded UNTRAINED tiny model
  --infer <url[,url]>  run the model on inference servers instead (auformer infer-server or Triton,
                       http://host:8000 or .../v2/models/NAME; more than one for failover)
  --infer-token <T>    bearer token the inference servers ask for
  --infer-timeout <s>  seconds a batch may take, retries and failover included (default 10)
  --fps <n>            sample n frames per second (default: every frame)
  --max-width <px>     downscale wider frames (by ffmpeg) before detection
  --max-faces <n>      at most n faces per frame (default 8)
  --detector <name>    BlazeFace 'front' (close faces, default), 'back' (smaller faces) or
                       'full' (MediaPipe full-range: wide shots, CCTV, small distant faces)
  --tile               also detect on overlapping tiles (small faces in large frames)
  --no-track           number faces per frame instead of tracking them
  --no-landmarks       skip the 468-point face mesh, head pose and eye/mouth geometry (on by default)
  --mesh-points <n>    mesh points per face in .jsonl outputs: 68 (default) or 468
  --detect-every <n>   run the face detector on every nth frame, following faces by their mesh
                       in between (default 1: every frame)
  --max-hz <n>         score each tracked face at most n times per second of media time;
                       frames in between repeat its last values, marked held (default: every frame)
  --smooth <method>    ${SMOOTHING_METHODS.join(' | ')} (default none: raw probabilities)
  --events             detect AU episodes (written to .jsonl outputs and sent to clients)
  --batch <n>          model batch size (default 16)
  --threads <n>        onnxruntime intra-op threads (default: one per core)
  -h, --help           show this help`;

/** `PIPELINE_USAGE` without the options named in `omit` (each with its continuation lines). */
export function pipelineUsage(omit: readonly (keyof typeof PIPELINE_OPTIONS)[]): string {
  const dropped = new Set<string>(omit.map((name) => `--${name}`));
  let skipping = false;
  return PIPELINE_USAGE.split('\n')
    .filter((line) => {
      const flag = /^ {2}(--[\w-]+)/.exec(line)?.[1];
      if (flag !== undefined || /^ {2}-\w/.test(line)) skipping = flag !== undefined && dropped.has(flag);
      return !skipping;
    })
    .join('\n');
}

/** A `UsageError` for any of `names` given: options another process decides (the worker's). */
export function rejectOptions(
  v: Readonly<Record<string, unknown>>,
  names: readonly string[],
  why: string,
): void {
  const given = names.filter((name) => v[name] !== undefined);
  if (given.length > 0) throw new UsageError(`${given.map((n) => `--${n}`).join(', ')}: ${why}`);
}

type Values = {
  [K in keyof typeof PIPELINE_OPTIONS]?: (typeof PIPELINE_OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof PIPELINE_OPTIONS)[K] extends { type: 'boolean' }
      ? boolean
      : string;
};

export interface PipelineArgs extends FrameStagesOptions, TemporalStagesOptions {
  readonly outputs: readonly string[];
  readonly modelPath: string | undefined;
  /** `--infer`: inference server URLs (the model runs there instead of `modelPath`). */
  readonly inferUrls: readonly string[] | undefined;
  readonly modelOptions: OpenAUModelOptions;
  readonly detector: FaceDetectorOptions;
  readonly source: { readonly fps?: number; readonly maxWidth?: number };
  /** Mesh points per face in JSONL outputs. */
  readonly meshPoints: 68 | 468;
}

/** A number option, or undefined when absent; below `min` or not a number is a `UsageError`. */
export function num(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw new UsageError(`--${name} must be a number >= ${min}, got '${value}'`);
  return n;
}

/** A whole-number option (counts, sizes, threads): `--max-faces 2.5` is a `UsageError`. */
export function int(name: string, value: string | undefined, min: number): number | undefined {
  const n = num(name, value, min);
  if (n !== undefined && !Number.isInteger(n))
    throw new UsageError(`--${name} must be a whole number >= ${min}, got '${value}'`);
  return n;
}

export function parsePipelineValues(v: Values, defaultOutputs: readonly string[]): PipelineArgs {
  const outputs = v.out ?? defaultOutputs;
  for (const o of outputs) {
    if (!/\.(csv|jsonl)$/i.test(o)) throw new UsageError(`--out must end in .csv or .jsonl, got '${o}'`);
  }
  if (v.detector !== undefined && !['front', 'back', 'full'].includes(v.detector)) {
    throw new UsageError(`--detector must be 'front', 'back' or 'full', got '${v.detector}'`);
  }
  if (v.smooth !== undefined && !(SMOOTHING_METHODS as readonly string[]).includes(v.smooth)) {
    throw new UsageError(`--smooth must be one of ${SMOOTHING_METHODS.join(', ')}, got '${v.smooth}'`);
  }
  const inferUrls = parseInferUrls(v.infer, v.model, v['infer-token'] ?? v['infer-timeout']);
  const inferTimeout = num('infer-timeout', v['infer-timeout'], 0.001);
  const meshPoints = v['mesh-points'] === undefined ? 68 : Number(v['mesh-points']);
  if (meshPoints !== 68 && meshPoints !== 468) {
    throw new UsageError(`--mesh-points must be 68 or 468, got '${v['mesh-points']}'`);
  }
  const detectEvery = int('detect-every', v['detect-every'], 1);
  if (detectEvery !== undefined && detectEvery > 1 && v['no-landmarks']) {
    throw new UsageError('--detect-every follows faces by their mesh: it cannot go with --no-landmarks');
  }
  const batch = int('batch', v.batch, 1);
  const threads = int('threads', v.threads, 1);
  const maxFaces = int('max-faces', v['max-faces'], 1);
  const maxHz = num('max-hz', v['max-hz'], 0.001);
  const fps = num('fps', v.fps, 0.001);
  const maxWidth = int('max-width', v['max-width'], 16);
  return {
    outputs,
    modelPath: v.model,
    inferUrls,
    modelOptions: {
      ...(v['infer-token'] === undefined ? {} : { token: v['infer-token'] }),
      ...(inferTimeout === undefined ? {} : { timeoutMs: Math.ceil(inferTimeout * 1000) }),
      ...(batch === undefined ? {} : { maxBatch: batch }),
      ...(threads === undefined ? {} : { intraOpThreads: threads }),
    },
    detector: {
      ...(v.detector === undefined ? {} : { model: v.detector }),
      ...(maxFaces === undefined ? {} : { maxFaces }),
      ...(v.tile ? { tile: true } : {}),
    },
    source: {
      ...(fps === undefined ? {} : { fps }),
      ...(maxWidth === undefined ? {} : { maxWidth }),
    },
    track: v['no-track'] ? false : {},
    landmarks: v['no-landmarks'] ? false : detectEvery === undefined ? {} : { detectEvery },
    meshPoints,
    infer: maxHz === undefined ? {} : { maxHzPerTrack: maxHz },
    smooth: v.smooth === undefined || v.smooth === 'none' ? false : { method: v.smooth as SmoothingMethod },
    events: v.events === true ? {} : false,
  };
}

/** `--infer a,b`: http(s) URLs, not with `--model` (the servers hold the model). */
function parseInferUrls(
  infer: string | undefined,
  model: string | undefined,
  inferFlag: string | undefined,
): string[] | undefined {
  if (infer === undefined) {
    if (inferFlag !== undefined) throw new UsageError('--infer-token and --infer-timeout need --infer');
    return undefined;
  }
  if (model !== undefined)
    throw new UsageError('give --model or --infer, not both (the inference server holds the model)');
  const urls = infer.split(',').map((u) => u.trim());
  for (const url of urls) {
    if (!/^https?:\/\/[^\s]+$/i.test(url))
      throw new UsageError(`--infer takes http(s):// URLs separated by commas, got '${url}'`);
  }
  return urls;
}

/** Runs a command-line parse, turning its errors (unknown option, missing value) into `UsageError`s. */
export function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
