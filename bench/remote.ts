/**
 * Remote inference (issue 15): the same pipeline with a local `AUModel` and with a
 * `RemoteAUModel` against `auformer infer-server` in another process on this machine (loopback),
 * the gain of micro-batches and requests in flight over one crop per request, and the latency a
 * round trip adds to a batch (p50 / p95).
 *
 *   node --import tsx bench/remote.ts [--models tiny,vit-s16] [--batch 16] [--frames 540]
 *       [--crops 256] [--threads 2] [--rounds 30]
 *
 * On one machine the server and the client share the cores (a decode host and a GPU server are
 * different machines in production), so the remote figures here are a lower bound. The server
 * is the CLI (`infer-server --batch B --max-wait 5 --threads T`) started by the tests' helper.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { AUModel } from '../src/model/AUModel.js';
import type { AUInferenceModel } from '../src/model/auInferenceModel.js';
import { RemoteAUModel, type RemoteAUModelOptions } from '../src/remote/RemoteAUModel.js';
import { startServerProcess } from '../test/remote/serverProcess.js';
import { CLIP_FRAMES, makeClips } from './lib/clips.js';
import { realCrops } from './lib/crops.js';
import { loadAverage } from './lib/machine.js';
import { ensureModel, type Preset } from './lib/models.js';
import { fixed, markdownTable, ratio } from './lib/table.js';
import { perSecond } from './lib/timing.js';
import { measurePipeline } from './pipeline.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'tiny' },
    batch: { type: 'string', default: '16' },
    frames: { type: 'string', default: String(CLIP_FRAMES) },
    crops: { type: 'string', default: '256' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '30' },
  },
});
const batch = Number(values.batch);
const threads = Number(values.threads);

/** Crops/s of `crops` sent all at once (the model's batching and in-flight limits apply). */
async function bareRate(model: AUInferenceModel, crops: readonly Float32Array[]): Promise<number> {
  await Promise.all(crops.slice(0, model.maxBatch).map((c) => model.infer(c))); // warm-up
  const started = performance.now();
  await Promise.all(crops.map((c) => model.infer(c)));
  return perSecond(crops.length, performance.now() - started);
}

/** p50 / p95 ms of one full batch, `rounds` times one after the other. */
async function batchLatency(
  model: AUInferenceModel,
  crops: readonly Float32Array[],
  rounds: number,
): Promise<[number, number]> {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await Promise.all(crops.slice(0, model.maxBatch).map((c) => model.infer(c)));
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return [
    ms[Math.floor(rounds * 0.5)] as number,
    ms[Math.min(rounds - 1, Math.floor(rounds * 0.95))] as number,
  ];
}

async function withRemote<T>(
  url: string,
  options: RemoteAUModelOptions,
  fn: (m: RemoteAUModel) => Promise<T>,
): Promise<T> {
  const model = await RemoteAUModel.create(url, { timeoutMs: 60_000, ...options });
  try {
    return await fn(model);
  } finally {
    await model.dispose();
  }
}

const clips = makeClips({ with1080: false });
const pipelineRows: (string | number)[][] = [];
const shapeRows: (string | number)[][] = [];
const latencyRows: (string | number)[][] = [];
console.log(`load average before: ${loadAverage()}`);
try {
  for (const preset of values.models.split(',') as Preset[]) {
    const path = ensureModel(preset, 'fp32', console.log);
    const server = await startServerProcess(0, [
      '--model',
      path,
      '--batch',
      String(batch),
      '--max-wait',
      '5',
      '--threads',
      String(threads),
    ]);
    const local = await AUModel.create(path, { maxBatch: batch, maxWaitMs: 5000, intraOpThreads: threads });
    try {
      const frames = Number(values.frames);
      const localPipe = await measurePipeline(local, clips.clip720, frames);
      pipelineRows.push([
        preset,
        'local AUModel',
        fixed(localPipe.facesPerSecond),
        '1.00x',
        fixed(localPipe.meanBatch, 1),
      ]);
      for (const datatype of ['FP32', 'UINT8'] as const) {
        const r = await withRemote(
          server.url,
          { datatype, maxBatch: batch, maxWaitMs: 5000, maxInFlight: 4 },
          (m) => measurePipeline(m, clips.clip720, frames),
        );
        pipelineRows.push([
          preset,
          `remote ${datatype}`,
          fixed(r.facesPerSecond),
          ratio(r.facesPerSecond, localPipe.facesPerSecond),
          fixed(r.meanBatch, 1),
        ]);
      }

      const crops = await realCrops(local.card, Number(values.crops));
      const localBare = await bareRate(local, crops);
      shapeRows.push([preset, 'local AUModel', batch, '-', fixed(localBare), '-']);
      let single = NaN;
      for (const [b, inFlight] of [
        [1, 1],
        [1, 4],
        [batch, 1],
        [batch, 4],
      ] as const) {
        const rate = await withRemote(server.url, { maxBatch: b, maxInFlight: inFlight, maxWaitMs: 2 }, (m) =>
          bareRate(m, crops),
        );
        if (b === 1 && inFlight === 1) single = rate;
        shapeRows.push([preset, 'remote UINT8', b, inFlight, fixed(rate), ratio(rate, single)]);
      }

      const rounds = Number(values.rounds);
      const fast = await AUModel.create(path, { maxBatch: batch, maxWaitMs: 0, intraOpThreads: threads });
      const [l50, l95] = await batchLatency(fast, crops, rounds).finally(() => fast.dispose());
      for (const datatype of ['FP32', 'UINT8'] as const) {
        const [r50, r95] = await withRemote(
          server.url,
          { datatype, maxBatch: batch, maxWaitMs: 0, maxInFlight: 1 },
          (m) => batchLatency(m, crops, rounds),
        );
        latencyRows.push([
          preset,
          datatype,
          batch,
          fixed(l50),
          fixed(l95),
          fixed(r50),
          fixed(r95),
          fixed(r50 - l50),
          fixed(r95 - l95),
        ]);
      }
    } finally {
      await local.dispose();
      await server.kill();
    }
  }
} finally {
  clips.remove();
}
console.log(`load average after: ${loadAverage()}\n`);
console.log(
  markdownTable(['model', 'pipeline with', 'faces/s', 'vs local', 'mean batch (client)'], pipelineRows),
);
console.log(
  `\n${markdownTable(['model', 'model', 'crops/request', 'in flight', 'crops/s', 'vs 1 crop, 1 in flight'], shapeRows)}`,
);
console.log(
  `\n${markdownTable(['model', 'wire', 'batch', 'local p50 ms', 'local p95 ms', 'remote p50 ms', 'remote p95 ms', 'added p50 ms', 'added p95 ms'], latencyRows)}`,
);
