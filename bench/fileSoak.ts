/**
 * Offline soak: `analyze()` over a long 720p file (the single-face sample looped to `--minutes`
 * of media) with the tiny model and a CSV sink, RSS sampled every `--every-s` seconds. Peak RSS
 * must stay under 600 MB and not grow with the duration (issue 6).
 *
 *   node --import tsx bench/fileSoak.ts [--minutes 30] [--every-s 10]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AUModel,
  DEFAULT_MODEL_PATH,
  analyze,
  resolveFfmpeg,
  toCsv,
  type AnalysisRecord,
} from '../src/index.js';
import { SAMPLE } from './lib/clips.js';
import { mb, plateauVerdict, type RssSample } from './lib/rss.js';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '30' }, 'every-s': { type: 'string', default: '10' } },
});
const minutes = Number(values.minutes);
const everyMs = Number(values['every-s']) * 1000;

// The sample is 6 s: loop it (stream copy, no re-encode) into a clip of `minutes` of media.
const clip = join('.cache', 'bench', `faces-${minutes}min.mp4`);
if (!existsSync(clip)) {
  mkdirSync(join('.cache', 'bench'), { recursive: true });
  const ffmpeg = (await resolveFfmpeg()).path;
  const loops = String(Math.ceil((minutes * 60) / 6) - 1);
  const made = spawnSync(ffmpeg, [
    '-v',
    'error',
    '-y',
    '-stream_loop',
    loops,
    '-i',
    SAMPLE,
    '-c',
    'copy',
    clip,
  ]);
  if (made.status !== 0) throw new Error(`could not make ${clip}: ${made.stderr.toString()}`);
}

const csv = join(tmpdir(), `auf-file-soak-${process.pid}.csv`);
const started = Date.now();
const samples: RssSample[] = [];
let frames = 0;
let mediaMs = 0;
console.log(`file soak: ${clip} (${minutes} min of 720p media), tiny model, CSV sink`);
console.log('| t (s) | RSS MB | frames | media time (s) |');
console.log('| ----- | ------ | ------ | -------------- |');
const timer = setInterval(() => {
  const atS = Math.round((Date.now() - started) / 1000);
  const rss = process.memoryUsage.rss();
  samples.push({ atS, rss });
  console.log(`| ${atS} | ${mb(rss)} | ${frames} | ${(mediaMs / 1000).toFixed(0)} |`);
}, everyMs);
const model = await AUModel.create(DEFAULT_MODEL_PATH);
await new Promise<void>((resolve, reject) =>
  analyze(clip, { model })
    .pipe(toCsv(csv, { auNames: model.card.auNames }))
    .subscribe({
      next: (r: AnalysisRecord) => {
        if (r.type === 'frame') {
          frames += 1;
          mediaMs = r.ptsMs;
        }
      },
      error: reject,
      complete: resolve,
    }),
);
clearInterval(timer);
await model.dispose();
rmSync(csv, { force: true });
const peak = Math.max(...samples.map((s) => s.rss));
const seconds = (Date.now() - started) / 1000;
console.log(
  `${frames} frames in ${seconds.toFixed(0)} s (${(frames / seconds).toFixed(1)} frames/s); peak RSS ${mb(peak)} MB`,
);
console.log(plateauVerdict(samples, seconds / 60));
