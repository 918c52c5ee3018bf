/**
 * `npm run bench`: the benchmark suite, measured in one run so its ratios compare like with
 * like on a shared machine. Prints Markdown and writes it to `--out` for bench/RESULTS.md:
 * 1. decode alone vs `fromFile` at 720p and 1080p (ffmpeg `-f null` beside, ratios vs a
 *    byte-counting Node reader of the same rgb24 pipe);
 * 2. detection alone (BlazeFace front, 720p photos);
 * 3. per model and variant: bare `AUModel` faces/s vs the full pipeline (fromFile -> detect ->
 *    track -> align -> infer) at the same batch, peak RSS, int8's largest probability
 *    difference from fp32 on real face crops, and PyTorch on the same model, batch and threads.
 *
 *   npm run bench                                        # tiny model, about 4 minutes on 2 cores
 *   npm run bench -- --models tiny,vit-s16,vit-b16       # + ViT-S/16, ViT-B/16 (random weights; minutes)
 *   npm run bench -- --sections models --models vit-b16 --variants int8 --batches 8
 *   npm run bench -- --providers cuda --variants fp32,fp16 --threads 0 --torch-device cuda   # bench/gpu.sh
 *
 * Other flags: `--threads N` (onnxruntime intra-op threads, 0 = its default), `--seconds S` (bare
 * model time per batch size), `--repeat N` (alternate bare and pipeline N times, keep the best of
 * each: noise only slows a run), `--high-water-mark K` (source frames in flight = K x batch;
 * analyze's default is 2 x batch), `--min-frames N`, `--torch-batches 1,8|none`, `--out file.md`.
 *
 * Models other than the shipped tiny one are exported on first use into .cache/models/
 * (git-ignored) by model/ (bench/lib/models.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveFfmpeg } from '../src/ffmpeg/resolveFfmpeg.js';
import { readModelCard } from '../src/model/modelCard.js';
import type { ModelVariant } from '../src/model/modelVariant.js';
import type { ExecutionProvider } from '../src/model/onnx.js';
import { measureDecode } from './decode.js';
import { detectionRate, frame720 } from './detect.js';
import { realCrops } from './lib/crops.js';
import { CLIP_FRAMES, makeClips } from './lib/clips.js';
import { loadAverage, machineReport } from './lib/machine.js';
import { ensureModel, type Preset } from './lib/models.js';
import { mb } from './lib/rss.js';
import { fixed, markdownTable, ratio } from './lib/table.js';
import { torchRates } from './lib/torchRates.js';
import { maxProbabilityDiff, modelFacesPerSecond } from './model.js';
import { pipelineFacesPerSecond } from './pipeline.js';

const { values } = parseArgs({
  options: {
    sections: { type: 'string', default: 'decode,detect,models' },
    models: { type: 'string', default: 'tiny' },
    variants: { type: 'string', default: 'fp32,int8' },
    batches: { type: 'string', default: '1,8,32,64' },
    threads: { type: 'string', default: '2' },
    providers: { type: 'string', default: 'cpu' },
    seconds: { type: 'string', default: '3' },
    'min-frames': { type: 'string' },
    'decode-runs': { type: 'string', default: '5' },
    repeat: { type: 'string', default: '1' },
    'high-water-mark': { type: 'string' },
    'torch-batches': { type: 'string', default: '1,8' },
    'torch-device': { type: 'string', default: 'cpu' },
    'torch-half': { type: 'boolean', default: false },
    out: { type: 'string', default: fileURLToPath(new URL('../.cache/bench/results.md', import.meta.url)) },
  },
});
const sections = new Set(values.sections.split(','));
const batches = values.batches.split(',').map(Number);
const threads = Number(values.threads);
const providers = values.providers.split(',') as ExecutionProvider[];
const torchBatches = values['torch-batches'] === 'none' ? [] : values['torch-batches'].split(',').map(Number);
const out: string[] = [];
const emit = (text: string): void => {
  console.log(text);
  out.push(text);
};
const log = (text: string): void => console.error(text);

const ffmpeg = await resolveFfmpeg();
const started = new Date();
emit(`## Run of ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC\n`);
emit(
  `Command: \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`\n`,
);
emit(
  `${machineReport(ffmpeg)}\n- onnxruntime intra-op threads: ${threads || 'default'}; providers: ${providers.join(',')}\n`,
);

if (sections.has('decode')) {
  log('decode...');
  const clips = makeClips();
  try {
    const results = [];
    for (const [clip, bytes] of [
      [clips.clip720, 1280 * 720 * 3],
      [clips.clip1080, 1920 * 1080 * 3],
    ] as const) {
      results.push(await measureDecode(clip, bytes, ffmpeg, Number(values['decode-runs'])));
    }
    const [r720 = [], r1080 = []] = results;
    const reader = (rows: [string, number][]): number => rows[2]?.[1] ?? NaN;
    emit(
      `### Decode, frames/s (best of ${values['decode-runs']} interleaved rounds of ${CLIP_FRAMES} frames)\n`,
    );
    emit(
      markdownTable(
        ['stage', '720p', '720p vs reader', '1080p', '1080p vs reader'],
        r720.map(([name, fps], i) => {
          const fps1080 = r1080[i]?.[1] ?? NaN;
          return [
            name,
            fixed(fps, 0),
            ratio(fps, reader(r720)),
            fixed(fps1080, 0),
            ratio(fps1080, reader(r1080)),
          ];
        }),
      ),
    );
    emit(`\nTarget: fromFile >= 0.90x the plain reader. Load average after: ${loadAverage()}\n`);
  } finally {
    clips.remove();
  }
}

if (sections.has('detect')) {
  log('detect...');
  const r = await detectionRate({ model: 'front' }, [1, 2, 3, 4, 5, 6].map(frame720), 10);
  emit('### Detection alone (BlazeFace front, whole 1280x720 frame, 6 photos x 10)\n');
  emit(
    markdownTable(
      ['detector', 'frames/s', 'faces/s', 'ms/frame', 'faces/frame'],
      [
        [
          'front',
          fixed(r.detectionsPerSecond),
          fixed(r.facesPerSecond),
          fixed(r.msPerFrame, 2),
          fixed(r.facesPerFrame, 2),
        ],
      ],
    ),
  );
  emit(`\nLoad average after: ${loadAverage()}\n`);
}

if (sections.has('models')) {
  const clips = makeClips({ with1080: false });
  const rows: string[][] = [];
  const quality: string[][] = [];
  try {
    for (const preset of values.models.split(',') as Preset[]) {
      const minFrames = Number(values['min-frames'] ?? (preset === 'tiny' ? 64 : 16));
      let torch: Map<number, number> = new Map();
      let torchVersion = '';
      if (torchBatches.length > 0) {
        log(`${preset}: PyTorch ${values['torch-device']}...`);
        ensureModel(preset, 'fp32', log);
        const t = torchRates(preset, torchBatches, {
          threads: threads || 2,
          device: values['torch-device'],
          half: values['torch-half'],
          seconds: Number(values.seconds),
        });
        [torch, torchVersion] = [t.rates, t.version];
      }
      for (const variant of values.variants.split(',') as ModelVariant[]) {
        const path = ensureModel(preset, variant, log);
        const crops = await realCrops(await readModelCard(path), 64);
        const common = { variant, threads, providers };
        for (const batch of batches) {
          // Bare and pipeline alternate `--repeat` times; the best of each is kept (load only slows runs).
          let bare = 0;
          let pipe = { facesPerSecond: 0, meanBatch: NaN, peakRss: 0 };
          for (let r = 0; r < Number(values.repeat); r += 1) {
            log(`${preset} ${variant} batch ${batch}: bare model...`);
            const b = await modelFacesPerSecond(path, batch, crops, {
              ...common,
              seconds: Number(values.seconds),
            });
            bare = Math.max(bare, b);
            log(`${preset} ${variant} batch ${batch}: pipeline...`);
            const frames = Math.max(minFrames, 3 * batch);
            const hwm = values['high-water-mark']
              ? { highWaterMark: Number(values['high-water-mark']) * batch }
              : {};
            const p = await pipelineFacesPerSecond(path, clips.clip720, batch, { ...common, frames, ...hwm });
            if (p.facesPerSecond > pipe.facesPerSecond)
              pipe = { ...p, peakRss: Math.max(p.peakRss, pipe.peakRss) };
          }
          const pt = variant === 'fp32' ? (torch.get(batch) ?? NaN) : NaN;
          const row = [
            preset,
            variant,
            String(batch),
            fixed(bare),
            fixed(pipe.facesPerSecond),
            ratio(pipe.facesPerSecond, bare),
            fixed(pipe.meanBatch, 1),
            mb(pipe.peakRss),
            fixed(pt, pt < 1 ? 3 : 1),
            ratio(bare, pt),
            loadAverage().split(' ')[0] ?? '',
          ];
          rows.push(row);
          log(`| ${row.join(' | ')} |`); // kept in the log if the run is cut short
        }
        if (variant !== 'fp32') {
          log(`${preset} ${variant}: probability difference...`);
          const diff = await maxProbabilityDiff(path, variant, crops, threads, providers);
          quality.push([preset, variant, String(crops.length), fixed(diff, 4)]);
        }
      }
      if (torchVersion) log(`${preset}: torch ${torchVersion}`);
    }
  } finally {
    clips.remove();
  }
  emit('### Bare model vs full pipeline, faces/s (720p single-face sample)\n');
  emit(
    markdownTable(
      [
        'model',
        'variant',
        'batch',
        'bare',
        'pipeline',
        'pipeline/bare',
        'mean batch',
        'peak RSS MB',
        `PyTorch ${values['torch-device']} fp32`,
        'ORT/PyTorch',
        'load',
      ],
      rows,
    ),
  );
  emit(
    '\nTargets: pipeline/bare >= 0.85 (ViT-B int8) and >= 0.9 (ViT-S/B); ORT/PyTorch >= 1.0. `load` = 1-min load average after the row.\n',
  );
  if (quality.length > 0) {
    emit('### Variant vs fp32 on real aligned face crops (sample video)\n');
    emit(markdownTable(['model', 'variant', 'crops', 'max Δp vs fp32 (probability)'], quality));
    emit('');
  }
}

emit(
  `Finished in ${((Date.now() - started.getTime()) / 60_000).toFixed(1)} min; load average ${loadAverage()}.`,
);
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${out.join('\n')}\n`);
log(`\nMarkdown written to ${values.out} (paste into bench/RESULTS.md)`);
