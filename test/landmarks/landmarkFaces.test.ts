/**
 * landmarkFaces in real pipelines (real ffmpeg, BlazeFace and the face mesh on the moving sample
 * clip), the model card's keypoint_source, and alignment from the mesh.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { lastValueFrom, toArray } from 'rxjs';
import { alignmentTransform } from '../../src/detector/alignFace.js';
import { applySimilarity } from '../../src/detector/similarity.js';
import { OptionError } from '../../src/errors.js';
import { FaceMesh } from '../../src/landmarks/FaceMesh.js';
import { meshAlignmentPoints } from '../../src/landmarks/meshKeypoints.js';
import { AUModel } from '../../src/model/AUModel.js';
import { DEFAULT_MODEL_PATH } from '../../src/model/defaultModel.js';
import { parseModelCard } from '../../src/model/modelCard.js';
import { detectFaces } from '../../src/operators/detectFaces.js';
import { landmarkFaces } from '../../src/operators/landmarkFaces.js';
import { frameStages } from '../../src/operators/stages.js';
import { trackFaces } from '../../src/operators/trackFaces.js';
import { fromFile } from '../../src/sources/fromFile.js';
import type { FrameFaces } from '../../src/types/pipeline.js';
import type { FrameResult } from '../../src/types/result.js';
import { withMetadata } from '../helpers/onnxBytes.js';

const CLIP = fileURLToPath(new URL('../../assets/sample/faces.mp4', import.meta.url));
let dir: string;
let meshModelPath: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auf-landmarks-'));
  meshModelPath = join(dir, 'tiny-mesh.onnx');
  await writeFile(
    meshModelPath,
    withMetadata(await readFile(DEFAULT_MODEL_PATH), { keypoint_source: 'mesh' }),
  );
});
after(() => rm(dir, { recursive: true, force: true }));

describe('landmarkFaces', () => {
  it('adds mesh, pose and geometry to every tracked face of the sample clip, in order', async () => {
    const out = await lastValueFrom(
      fromFile(CLIP, { fps: 5 }).pipe(detectFaces(), trackFaces(), landmarkFaces(), toArray()),
    );
    assert.equal(out.length, 30);
    assert.deepEqual(
      out.map((o) => o.frame.index),
      [...out.keys()],
    );
    for (const { faces } of out) {
      assert.equal(faces.length, 1);
      const face = faces[0];
      assert.equal(face?.landmarks?.points.length, 468);
      assert.ok((face?.landmarks?.presence ?? 0) > 0.9);
      assert.ok(face?.trackId !== undefined);
      for (const v of Object.values(face?.pose ?? {})) assert.ok(Number.isFinite(v) && Math.abs(v) < 90);
      assert.ok((face?.geometry?.rightEyeOpenness ?? 0) > 0.03);
    }
  });

  it('shares a FaceMesh it is given (left open after teardown) and rejects a bad minPresence', async () => {
    const mesh = await FaceMesh.create();
    try {
      const run = (): Promise<FrameFaces[]> =>
        lastValueFrom(
          fromFile(CLIP, { fps: 2, endMs: 2000 }).pipe(detectFaces(), landmarkFaces({ mesh }), toArray()),
        );
      const [a, b] = [await run(), await run()];
      assert.equal(a.length, b.length);
      assert.deepEqual(a[0]?.faces[0]?.landmarks?.points[1], b[0]?.faces[0]?.landmarks?.points[1]);
      // minPresence 1 keeps the faces but gives none of them a mesh.
      const none = await lastValueFrom(
        fromFile(CLIP, { fps: 2, endMs: 1000 }).pipe(
          detectFaces(),
          landmarkFaces({ mesh, minPresence: 1 }),
          toArray(),
        ),
      );
      assert.ok(none.every((o) => o.faces.length === 1 && o.faces[0]?.landmarks === undefined));
    } finally {
      await mesh.dispose();
    }
    assert.throws(() => landmarkFaces({ minPresence: 2 }), OptionError);
  });
});

describe('keypoint_source', () => {
  it("is read from the card ('blazeface' when absent) and anything else is AUF_ERR_MODEL_CARD", async () => {
    const tiny = await readFile(DEFAULT_MODEL_PATH);
    assert.equal(parseModelCard(tiny, 'tiny.onnx').keypointSource, 'blazeface');
    assert.equal(
      parseModelCard(withMetadata(tiny, { keypoint_source: 'mesh' }), 'm.onnx').keypointSource,
      'mesh',
    );
    assert.throws(
      () => parseModelCard(withMetadata(tiny, { keypoint_source: 'dlib' }), 'd.onnx'),
      (e: unknown) =>
        (e as { code?: string }).code === 'AUF_ERR_MODEL_CARD' && /'blazeface' or 'mesh'/.test(String(e)),
    );
  });

  it("a 'mesh' card aligns from the mesh's eye centres, nose tip and mouth centre; a 'blazeface' card from the keypoints", async () => {
    const model = await AUModel.create(meshModelPath);
    try {
      const results = await lastValueFrom(
        fromFile(CLIP, { fps: 2, endMs: 1000 }).pipe(detectFaces(), landmarkFaces(), toArray()),
      );
      const face = results[0]?.faces[0];
      assert.ok(face?.landmarks);
      const card = model.card;
      const fromMesh = alignmentTransform(face, card);
      const fromKeypoints = alignmentTransform(face, { ...card, keypointSource: 'blazeface' });
      const meshPoints = meshAlignmentPoints(face.landmarks.points);
      // Least squares: each transform has the smaller squared error on the points it was fitted to.
      const error = (t: typeof fromMesh, pts: readonly { x: number; y: number }[]): number =>
        pts.reduce((s, p, i) => {
          const q = applySimilarity(t, p);
          const want = card.alignmentTemplate[i] as { x: number; y: number };
          return s + (q.x - want.x) ** 2 + (q.y - want.y) ** 2;
        }, 0);
      assert.ok(error(fromMesh, meshPoints) < error(fromKeypoints, meshPoints));
      assert.ok(
        error(fromKeypoints, face.keypoints.slice(0, 4)) < error(fromMesh, face.keypoints.slice(0, 4)),
      );
      // A mesh card cannot run without landmarks; with them (the default) it scores every frame.
      assert.throws(() => frameStages(model, { landmarks: false }), OptionError);
      const scored: FrameResult[] = await lastValueFrom(
        fromFile(CLIP, { fps: 2, endMs: 1000 }).pipe(frameStages(model), toArray()),
      );
      assert.ok(scored.length >= 2 && scored.every((r) => r.faces[0]?.landmarks && r.faces[0].pose));
    } finally {
      await model.dispose();
    }
  });
});
