/**
 * `auformer crops` throughput: 320x320 close-up frames of the sample photos' faces (as the
 * toolkit's miniature BP4D/DISFA tests make them), cropped by the CLI with 1 and 2 worker
 * processes; frames/s including process start, one ffmpeg decode per image, BlazeFace and the
 * PNG encode.
 *
 * Run: `node --import tsx bench/trainingCrops.ts [frames, default 48]`
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveFfmpeg } from '../src/ffmpeg/resolveFfmpeg.js';
import { machineReport } from './lib/machine.js';
import { perSecond, timed } from './lib/timing.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
/** x, y, side of one face per sample photo (BlazeFace 'back' on the full photo). */
const FACES = [
  [419, 406, 192],
  [1456, 198, 198],
  [590, 384, 203],
  [976, 230, 200],
  [779, 162, 164],
  [655, 374, 247],
] as const;

const count = Number(process.argv[2] ?? 48);
const dir = mkdtempSync(join(tmpdir(), 'bench-crops-'));
try {
  const frames = join(dir, 'frames');
  execFileSync('mkdir', ['-p', frames]);
  for (let i = 0; i < count; i++) {
    const [x, y, side] = FACES[i % FACES.length] as readonly [number, number, number];
    const shift = 4 * Math.floor(i / FACES.length);
    const crop = `crop=${side * 3}:${side * 3}:${x - side + shift}:${y - side},scale=320:320`;
    const photo = join(REPO, `assets/photos/sample${(i % FACES.length) + 1}.jpg`);
    execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-i', photo, '-vf', crop, join(frames, `f${i}.jpg`)]);
  }
  console.log(machineReport(await resolveFfmpeg()));
  for (const jobs of [1, 2]) {
    const out = join(dir, `crops${jobs}`);
    const cli = ['--import', 'tsx', 'src/cli/main.ts', 'crops', frames, '--out', out, '--jobs', String(jobs)];
    const { ms } = await timed(() => execFileSync(process.execPath, cli, { cwd: REPO, stdio: 'pipe' }));
    console.log(
      `--jobs ${jobs}: ${count} frames in ${(ms / 1000).toFixed(1)} s = ${perSecond(count, ms).toFixed(1)} frames/s`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
