/**
 * Full-pipeline throughput: faces/s of `analyze()` (fromFile -> detectFaces -> trackFaces ->
 * alignFaces -> inferAUs) on the looped 720p single-face sample, with a shared `AUModel` at a
 * given batch size, to set beside the bare model's faces/s at the same batch (bench/model.ts).
 *
 *   node --import tsx bench/pipeline.ts [--models tiny] [--variants fp32] [--batches 1,8,32,64]
 *       [--threads 2] [--frames 540] [--high-water-mark N]
 *
 * The model waits up to 5 s to fill a batch, so with one face per frame every batch is full
 * (the table shows the mean batch). The rate is measured from the end of the first batch (model
 * and detector warm-up, ffmpeg start) to the last result; peak RSS is sampled meanwhile.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { lastValueFrom, take, tap } from 'rxjs';
import { analyze } from '../src/analyze.js';
import { AUModel } from '../src/model/AUModel.js';
import type { AUInferenceModel } from '../src/model/auInferenceModel.js';
import type { ModelVariant } from '../src/model/modelVariant.js';
import type { ExecutionProvider } from '../src/model/onnx.js';
import { CLIP_FRAMES, makeClips } from './lib/clips.js';
import { ensureModel, type Preset } from './lib/models.js';
import { mb, startRssSampler } from './lib/rss.js';
import { fixed, markdownTable } from './lib/table.js';
import { RateWindow } from './lib/timing.js';

export interface PipelineBenchOptions {
  readonly variant: ModelVariant;
  /** onnxruntime intra-op threads. */
  readonly threads: number;
  /** Execution providers. Defaults to `['cpu']`. */
  readonly providers?: readonly ExecutionProvider[];
  /** Frames to analyse (rounded down to whole batches). */
  readonly frames: number;
  /** Source frames in flight. Defaults to analyze's: the batch size. */
  readonly highWaterMark?: number;
}

export interface PipelineBenchResult {
  readonly facesPerSecond: number;
  readonly faces: number;
  readonly meanBatch: number;
  /** Peak RSS of the process while the pipeline ran, in bytes. */
  readonly peakRss: number;
}

/** Runs the whole pipeline over `clip` once with a model of batch size `batch`. */
export async function pipelineFacesPerSecond(
  path: string,
  clip: string,
  batch: number,
  options: PipelineBenchOptions,
): Promise<PipelineBenchResult> {
  const model = await AUModel.create(path, {
    variant: options.variant,
    maxBatch: batch,
    maxWaitMs: 5000,
    intraOpThreads: options.threads,
    executionProviders: options.providers ?? ['cpu'],
  });
  try {
    return await measurePipeline(model, clip, options.frames, options.highWaterMark);
  } finally {
    await model.dispose();
  }
}

/**
 * Faces/s of `analyze(clip)` with `model` (any `AUInferenceModel`, local or remote) over
 * `frames` frames (rounded down to whole batches), from the end of the first batch.
 */
export async function measurePipeline(
  model: AUInferenceModel,
  clip: string,
  framesWanted: number,
  highWaterMark?: number,
): Promise<PipelineBenchResult> {
  const batch = model.maxBatch;
  const frames = Math.max(2, Math.floor(framesWanted / batch)) * batch;
  const window = new RateWindow();
  const rss = startRssSampler();
  try {
    const source = highWaterMark ? { highWaterMark } : {};
    await lastValueFrom(
      analyze(clip, { model, source }).pipe(
        take(frames),
        tap((r) => {
          if (r.type === 'frame') window.mark(r.faces.length);
        }),
      ),
    );
    const { batches, crops } = model.stats;
    return {
      facesPerSecond: window.rate(batch - 1),
      faces: window.items,
      meanBatch: crops / Math.max(1, batches),
      peakRss: rss.stop(),
    };
  } finally {
    rss.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: 'tiny' },
      variants: { type: 'string', default: 'fp32' },
      batches: { type: 'string', default: '1,8,32,64' },
      threads: { type: 'string', default: '2' },
      frames: { type: 'string', default: String(CLIP_FRAMES) },
      'high-water-mark': { type: 'string' },
    },
  });
  const clips = makeClips({ with1080: false });
  const rows: (string | number)[][] = [];
  try {
    for (const preset of values.models.split(',') as Preset[]) {
      for (const variant of values.variants.split(',') as ModelVariant[]) {
        const path = ensureModel(preset, variant, console.log);
        for (const batch of values.batches.split(',').map(Number)) {
          const hwm = values['high-water-mark'];
          const r = await pipelineFacesPerSecond(path, clips.clip720, batch, {
            variant,
            threads: Number(values.threads),
            frames: Number(values.frames),
            ...(hwm ? { highWaterMark: Number(hwm) } : {}),
          });
          rows.push([
            `${preset} ${variant}`,
            batch,
            fixed(r.facesPerSecond),
            fixed(r.meanBatch, 2),
            mb(r.peakRss),
          ]);
        }
      }
    }
  } finally {
    clips.remove();
  }
  console.log(markdownTable(['model', 'batch', 'pipeline faces/s', 'mean batch', 'peak RSS MB'], rows));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
