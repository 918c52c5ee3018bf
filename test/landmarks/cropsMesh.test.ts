/**
 * `auformer crops --keypoint-source mesh`: training crops aligned from the face mesh equal the
 * SDK's inference crops for a `keypoint_source: mesh` card (detect -> mesh -> align), within one
 * uint8 step, so training and inference align alike.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lastValueFrom, toArray } from 'rxjs';
import {
  DEFAULT_MODEL_PATH,
  alignFaces,
  detectFaces,
  fromImages,
  landmarkFaces,
  readModelCard,
} from '../../src/index.js';
import type { Frame } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { makeFaceFrames, makeTempDir } from '../helpers/media.js';

/** One face per photo, cut out around it (x, y, side from BlazeFace 'back' on the full photos). */
const FACES = [
  [1, 419, 406, 192],
  [3, 590, 384, 203],
] as const;

describe('auformer crops --keypoint-source mesh', { timeout: 120_000 }, () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let frames: string;
  before(async () => {
    temp = await makeTempDir();
    frames = join(temp.dir, 'frames');
    await makeFaceFrames(frames, FACES);
  });
  after(() => temp.cleanup());

  it('writes crops.json keypoint_source mesh, the mesh alignment points, and the inference crop', async () => {
    const out = join(temp.dir, 'crops');
    const res = await cli(['crops', frames, '--out', out, '--keypoint-source', 'mesh']);
    assert.equal(res.code, 0, res.stderr);
    const manifest = JSON.parse(await readFile(join(out, 'crops.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest['keypoint_source'], 'mesh');
    const records = (await readFile(join(out, 'keypoints.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { alignment_points?: unknown[]; mesh_presence?: number });
    assert.ok(records.every((r) => r.alignment_points?.length === 4 && (r.mesh_presence ?? 0) > 0.9));

    const card = { ...(await readModelCard(DEFAULT_MODEL_PATH)), keypointSource: 'mesh' as const };
    const sources = FACES.map(([photo]) => join(frames, `face${photo}.jpg`));
    const aligned = await lastValueFrom(
      fromImages(sources).pipe(detectFaces(), landmarkFaces(), alignFaces(card), toArray()),
    );
    const pngs = await lastValueFrom(
      fromImages(FACES.map(([photo]) => join(out, `face${photo}.png`))).pipe(toArray()),
    );
    const blazefacePngs = join(temp.dir, 'bf');
    assert.equal((await cli(['crops', frames, '--out', blazefacePngs])).code, 0);
    const other = await lastValueFrom(
      fromImages(FACES.map(([photo]) => join(blazefacePngs, `face${photo}.png`))).pipe(toArray()),
    );
    const { inputWidth: W, inputHeight: H } = card;
    for (const [i, { faces }] of aligned.entries()) {
      const face = faces[0];
      assert.ok(face?.face.landmarks, `a meshed face in ${sources[i]}`);
      const png = pngs[i] as Frame;
      let worst = 0;
      let fromBlazeface = 0;
      for (let c = 0; c < 3; c++)
        for (let v = 0; v < H; v++)
          for (let u = 0; u < W; u++) {
            const sdk = ((face.crop[c * W * H + v * W + u] as number) * card.std[c]! + card.mean[c]!) * 255;
            const at = ((v + 16) * 256 + u + 16) * 3 + c;
            worst = Math.max(worst, Math.abs(sdk - (png.data[at] as number)));
            fromBlazeface = Math.max(fromBlazeface, Math.abs(sdk - ((other[i] as Frame).data[at] as number)));
          }
      assert.ok(worst <= 1, `crop ${i}: max difference ${worst} > one uint8 step`);
      assert.ok(
        fromBlazeface > 20,
        `crop ${i}: the BlazeFace-aligned crop should differ (max ${fromBlazeface})`,
      );
    }
  });

  it('rejects an unknown keypoint source with a usage error (exit 2)', async () => {
    const res = await cli(['crops', frames, '--out', join(temp.dir, 'x'), '--keypoint-source', 'dlib']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--keypoint-source must be 'blazeface' or 'mesh'/);
  });
});
