/**
 * `auformer crops`: real photos, real BlazeFace, real PNG files. The crop the toolkit trains on
 * (the canvas's centre) equals the crop the SDK feeds the model at inference within one uint8
 * step; no-face frames are listed; --jobs 2 writes what one process writes.
 */
import assert from 'node:assert/strict';
import { access, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lastValueFrom, toArray } from 'rxjs';
import { DEFAULT_MODEL_PATH, alignFaces, detectFaces, fromImages, readModelCard } from '../../src/index.js';
import type { Frame } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { SYSTEM_FFMPEG, makeFaceFrames, makeTempDir, run } from '../helpers/media.js';

/** x, y, side of one face per photo (BlazeFace 'back' on the full photos). */
const FACES = [
  [1, 419, 406, 192],
  [3, 590, 384, 203],
  [5, 779, 162, 164],
] as const;

const decode = (paths: readonly string[]): Promise<Frame[]> =>
  lastValueFrom(fromImages(paths).pipe(toArray()));

describe('auformer crops (CLI)', { timeout: 120_000 }, () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let frames: string;
  before(async () => {
    temp = await makeTempDir();
    frames = join(temp.dir, 'frames');
    await makeFaceFrames(frames, FACES);
    await run(SYSTEM_FFMPEG, [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:s=320x320',
      '-frames:v',
      '1',
      join(frames, 'zempty.png'),
    ]);
  });
  after(() => temp.cleanup());

  it('writes lossless canvas crops equal to the SDK inference crop within one uint8 step', async () => {
    const out = join(temp.dir, 'crops');
    const res = await cli(['crops', frames, '--out', out]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /crops: 4 frames, 3 crops 256x256, 1 without a face/);
    assert.deepEqual((await readFile(join(out, 'no_face.txt'), 'utf8')).trim(), join(frames, 'zempty.png'));
    const manifest = JSON.parse(await readFile(join(out, 'crops.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest['keypoint_source'], 'blazeface');
    assert.deepEqual(manifest['canvas_size'], [256, 256]);
    const card = await readModelCard(DEFAULT_MODEL_PATH);
    assert.deepEqual(
      manifest['alignment_template'],
      card.alignmentTemplate.map((p) => [p.x, p.y]),
    );
    const records = (await readFile(join(out, 'keypoints.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(records.length, 4);

    // The SDK's own inference path on the same frames: detect, align, normalised crop.
    const sources = FACES.map(([photo]) => join(frames, `face${photo}.jpg`));
    const aligned = await lastValueFrom(fromImages(sources).pipe(detectFaces(), alignFaces(card), toArray()));
    const pngs = await decode(FACES.map(([photo]) => join(out, `face${photo}.png`)));
    const { inputWidth: W, inputHeight: H } = card;
    for (const [i, { faces }] of aligned.entries()) {
      const largest = [...faces].sort(
        (a, b) => b.face.box.width * b.face.box.height - a.face.box.width * a.face.box.height,
      )[0];
      assert.ok(largest, `a face in ${sources[i]}`);
      const png = pngs[i] as Frame;
      assert.equal(png.width, 256);
      let worst = 0;
      for (let c = 0; c < 3; c++)
        for (let v = 0; v < H; v++)
          for (let u = 0; u < W; u++) {
            const sdk =
              ((largest.crop[c * W * H + v * W + u] as number) * card.std[c]! + card.mean[c]!) * 255;
            const train = png.data[((v + 16) * 256 + u + 16) * 3 + c] as number;
            worst = Math.max(worst, Math.abs(sdk - train));
          }
      assert.ok(worst <= 1, `crop ${i}: max difference ${worst} > one uint8 step`);
    }
  });

  it('gives the same files with --jobs 2 and a --list with crop names', async () => {
    const list = join(temp.dir, 'frames.tsv');
    const names = await readdir(frames);
    names.sort();
    await writeFile(list, names.map((n, i) => `frames/${n}\tsubject${i}/${n}.png\n`).join(''));
    const one = join(temp.dir, 'one');
    const two = join(temp.dir, 'two');
    assert.equal((await cli(['crops', '--list', list, '--out', one])).code, 0);
    const res = await cli(['crops', '--list', list, '--out', two, '--jobs', '2']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(
      await readFile(join(two, 'keypoints.jsonl'), 'utf8'),
      await readFile(join(one, 'keypoints.jsonl'), 'utf8'),
    );
    const name = `subject0/${names[0]}.png`;
    assert.ok((await readFile(join(two, name))).equals(await readFile(join(one, name))));
    assert.deepEqual((await readdir(two)).sort(), (await readdir(one)).sort()); // part files merged away
  });

  it('refuses bad input with a usage error or a typed error, leaving no output folder', async () => {
    const out = join(temp.dir, 'bad');
    const noOut = await cli(['crops', frames]);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /--out <dir> is required/);
    const existing = await cli(['crops', frames, '--out', frames]);
    assert.equal(existing.code, 2);
    assert.match(existing.stderr, /already exists; pass --overwrite/);
    const odd = await cli(['crops', frames, '--out', out, '--canvas', '255']);
    assert.equal(odd.code, 2); // a half-pixel margin would shift the training crop against the SDK's
    assert.match(odd.stderr, /by an even number of pixels/);
    const broken = join(temp.dir, 'broken.jpg');
    await writeFile(broken, 'not a jpeg');
    // two workers: the one that fails reports its typed error, the other one is stopped
    const corrupt = await cli(['crops', broken, join(frames, 'face1.jpg'), '--out', out, '--jobs', '2']);
    assert.equal(corrupt.code, 1);
    assert.match(corrupt.stderr, /AUF_ERR_DECODE.*broken\.jpg/);
    await assert.rejects(access(out));
    await assert.rejects(access(`${out}.partial`));
  });
});
