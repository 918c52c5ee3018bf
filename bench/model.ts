/**
 * Bare `AUModel` throughput: faces/s at each batch size on real aligned crops, nothing else
 * running; and the largest probability difference of a variant (int8) from fp32 on the same
 * crops.
 *
 *   node --import tsx bench/model.ts [--models tiny,vit-b16] [--variants fp32,int8] [--batches 1,8,32,64]
 *       [--threads 2] [--seconds 4]
 *
 * Each batch size runs one warm-up batch, then full batches until `--seconds` have passed and
 * at least two batches ran. Models are generated into .cache/models/ on first use (bench/lib/models.ts).
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { AUModel } from '../src/model/AUModel.js';
import { readModelCard } from '../src/model/modelCard.js';
import type { ModelVariant } from '../src/model/modelVariant.js';
import type { ExecutionProvider } from '../src/model/onnx.js';
import { realCrops } from './lib/crops.js';
import { ensureModel, type Preset } from './lib/models.js';
import { fixed, markdownTable } from './lib/table.js';
import { perSecond } from './lib/timing.js';

export interface ModelBenchOptions {
  readonly variant: ModelVariant;
  /** onnxruntime intra-op threads. */
  readonly threads: number;
  /** Execution providers. Defaults to `['cpu']`. */
  readonly providers?: readonly ExecutionProvider[];
  /** Shortest measuring time per batch size, in seconds. */
  readonly seconds: number;
}

/** Faces/s of the bare model at one batch size (full batches of real crops). */
export async function modelFacesPerSecond(
  path: string,
  batch: number,
  crops: readonly Float32Array[],
  options: ModelBenchOptions,
): Promise<number> {
  // maxWaitMs long and exactly `batch` requests at a time: every run is one full batch.
  const model = await AUModel.create(path, {
    variant: options.variant,
    maxBatch: batch,
    maxWaitMs: 60_000,
    intraOpThreads: options.threads,
    executionProviders: options.providers ?? ['cpu'],
  });
  try {
    const runBatch = (): Promise<Float32Array[]> =>
      Promise.all(
        Array.from({ length: batch }, (_, i) => model.infer(crops[i % crops.length] as Float32Array)),
      );
    await runBatch(); // warm-up: allocations, kernel choice
    let batches = 0;
    const started = performance.now();
    while (batches < 2 || performance.now() - started < options.seconds * 1000) {
      await runBatch();
      batches += 1;
    }
    return perSecond(batches * batch, performance.now() - started);
  } finally {
    await model.dispose();
  }
}

/** Largest |p_variant - p_fp32| over every AU of every crop. */
export async function maxProbabilityDiff(
  path: string,
  variant: ModelVariant,
  crops: readonly Float32Array[],
  threads: number,
  providers: readonly ExecutionProvider[] = ['cpu'],
): Promise<number> {
  const open = (v: ModelVariant): Promise<AUModel> =>
    AUModel.create(path, {
      variant: v,
      maxBatch: 16,
      maxWaitMs: 1000,
      intraOpThreads: threads,
      executionProviders: providers,
    });
  const [reference, other] = [await open('fp32'), await open(variant)];
  try {
    const a = await Promise.all(crops.map((c) => reference.infer(c)));
    const b = await Promise.all(crops.map((c) => other.infer(c)));
    let max = 0;
    a.forEach((p, i) => p.forEach((v, j) => (max = Math.max(max, Math.abs(v - (b[i]?.[j] ?? NaN))))));
    return max;
  } finally {
    await reference.dispose();
    await other.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      models: { type: 'string', default: 'tiny' },
      variants: { type: 'string', default: 'fp32,int8' },
      batches: { type: 'string', default: '1,8,32,64' },
      threads: { type: 'string', default: '2' },
      seconds: { type: 'string', default: '4' },
    },
  });
  const batches = values.batches.split(',').map(Number);
  const threads = Number(values.threads);
  const rows: (string | number)[][] = [];
  for (const preset of values.models.split(',') as Preset[]) {
    for (const variant of values.variants.split(',') as ModelVariant[]) {
      const path = ensureModel(preset, variant, console.log);
      const crops = await realCrops(await readModelCard(path), Math.max(...batches, 32));
      const diff =
        variant === 'fp32' ? NaN : await maxProbabilityDiff(path, variant, crops.slice(0, 32), threads);
      const rates = [];
      for (const batch of batches)
        rates.push(
          await modelFacesPerSecond(path, batch, crops, {
            variant,
            threads,
            seconds: Number(values.seconds),
          }),
        );
      rows.push([`${preset} ${variant}`, ...rates.map((r) => fixed(r)), fixed(diff, 4)]);
    }
  }
  console.log(markdownTable(['model', ...batches.map((b) => `batch ${b} faces/s`), 'max Δp vs fp32'], rows));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
