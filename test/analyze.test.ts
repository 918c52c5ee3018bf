/** End to end through the public API: real ffmpeg, BlazeFace and the shipped tiny AUFormer. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lastValueFrom, take, toArray } from 'rxjs';
import { analyze, AUModel, DEFAULT_MODEL_PATH, type AnalysisRecord, type FrameResult } from '../src/index.js';
import {
  PHOTOS_DIR,
  SAMPLE_FACES,
  SAMPLE_GROUP,
  ffprobeFrames,
  makeCfrClip,
  makeTempDir,
  makeTruncatedMp4,
  waitForNoFfmpeg,
} from './helpers/media.js';

const frames = (records: AnalysisRecord[]): FrameResult[] => records.filter((r) => r.type === 'frame');

describe('analyze', () => {
  let model: AUModel;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => {
    model = await AUModel.create(DEFAULT_MODEL_PATH, { maxBatch: 8 });
    temp = await makeTempDir();
  });
  after(async () => {
    await model.dispose();
    await temp.cleanup();
  });

  it('gives one result per decoded frame, with ffprobe timestamps, one tracked face and 12 AUs', async () => {
    const probe = await ffprobeFrames(SAMPLE_FACES);
    const results = frames(await lastValueFrom(analyze(SAMPLE_FACES, { model }).pipe(toArray())));
    assert.equal(results.length, probe.ptsMs.length);
    results.forEach((r, i) => {
      assert.equal(r.index, i);
      assert.ok(Math.abs(r.ptsMs - probe.ptsMs[i]!) < 0.5, `pts of frame ${i}`);
    });
    assert.ok(
      results.every((r) => r.status === 'ok' && r.faces.length === 1),
      'one face in every frame',
    );
    assert.deepEqual(new Set(results.map((r) => r.faces[0]!.trackId)), new Set([1]));
    const aus = results[60]!.faces[0]!.aus;
    assert.deepEqual(Object.keys(aus), model.card.auNames);
    assert.ok(Object.values(aus).every((p) => p > 0 && p < 1));
    // Crops differ from frame to frame (the face moves), so the probabilities do too.
    assert.notEqual(results[0]!.faces[0]!.aus['AU12'], results[150]!.faces[0]!.aus['AU12']);
  });

  it('reuses frame buffers without changing a result (no frame is overwritten while read)', async () => {
    const run = (reuseBuffers: boolean) =>
      lastValueFrom(analyze(SAMPLE_GROUP, { model, source: { reuseBuffers } }).pipe(toArray())).then(frames);
    const [reused, fresh] = [await run(true), await run(false)];
    assert.equal(reused.length, fresh.length);
    assert.ok(reused.length > 50);
    let faces = 0;
    reused.forEach((r, i) => {
      const f = fresh[i]!;
      assert.deepEqual([r.index, r.ptsMs, r.faces.length], [f.index, f.ptsMs, f.faces.length]);
      r.faces.forEach((face, j) => {
        faces++;
        assert.deepEqual(face.box, f.faces[j]!.box, `frame ${i} face ${j}: same detection`);
        // Batches form differently run to run, which moves float results by ~1e-7.
        for (const au of model.card.auNames) {
          assert.ok(Math.abs(face.aus[au]! - f.faces[j]!.aus[au]!) <= 1e-5, `${i}/${j}/${au}`);
        }
      });
    });
    assert.ok(faces > 150, `${faces} faces compared`);
  });

  it('agrees with itself at batch 1 (within 1e-5): batching never mixes up faces', async () => {
    const single = await AUModel.create(DEFAULT_MODEL_PATH, { maxBatch: 1 });
    try {
      const run = (m: AUModel) =>
        lastValueFrom(analyze(SAMPLE_GROUP, { model: m, source: { fps: 5 } }).pipe(toArray())).then(frames);
      const [a, b] = await Promise.all([run(single), run(model)]);
      assert.equal(a.length, b.length);
      let faces = 0;
      a.forEach((r, i) =>
        r.faces.forEach((f, j) => {
          faces++;
          for (const au of model.card.auNames) {
            assert.ok(Math.abs(f.aus[au]! - b[i]!.faces[j]!.aus[au]!) <= 1e-5, `${i}/${j}/${au}`);
          }
        }),
      );
      assert.ok(faces >= 30, `${faces} faces compared`);
      assert.ok(
        model.stats.recentBatches.some((batch) => batch.size > 1),
        'the shared model did batch',
      );
    } finally {
      await single.dispose();
    }
  });

  it('tracks the four people of the group clip with stable ids', async () => {
    const results = frames(await lastValueFrom(analyze(SAMPLE_GROUP, { model }).pipe(toArray())));
    const ids = new Set(results.flatMap((r) => r.faces.map((f) => f.trackId)));
    assert.deepEqual([...ids].sort(), [1, 2, 3, 4]);
    assert.ok(Math.max(...results.map((r) => r.faces.length)) >= 3);
  });

  it('reads a folder of photos, one result per photo, with the faces the README counts', async () => {
    const results = frames(
      await lastValueFrom(
        analyze(PHOTOS_DIR, { model, detector: { model: 'back' }, track: false }).pipe(toArray()),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.faces.length),
      [3, 3, 3, 4, 5, 4],
    );
  });

  it('emits no-face results for frames without faces', async () => {
    const clip = await makeCfrClip(temp.dir, { seconds: 1, fps: 10, name: 'pattern.mp4' });
    const results = frames(await lastValueFrom(analyze(clip, { model }).pipe(toArray())));
    assert.equal(results.length, 10);
    assert.ok(results.every((r) => r.status === 'no-face' && r.faces.length === 0));
  });

  it('keeps every result before a truncated file breaks, then errors with AUF_ERR_DECODE', async () => {
    const path = await makeTruncatedMp4(temp.dir);
    const seen: FrameResult[] = [];
    await new Promise<void>((resolve) =>
      analyze(path, { model }).subscribe({
        next: (r) => r.type === 'frame' && seen.push(r),
        error: (e: { code?: string }) => {
          assert.equal(e.code, 'AUF_ERR_DECODE');
          resolve();
        },
        complete: () => assert.fail('a truncated file must not complete'),
      }),
    );
    assert.ok(seen.length > 10, `${seen.length} results before the break`);
    assert.deepEqual(
      seen.map((r) => r.index),
      seen.map((_, i) => i),
    );
  });

  it('fails fast with a typed error on a missing file and on a broken model path', async () => {
    await assert.rejects(lastValueFrom(analyze('/no/such/video.mp4', { model })), {
      code: 'AUF_ERR_FILE_NOT_FOUND',
    });
    await assert.rejects(lastValueFrom(analyze(SAMPLE_FACES, { model: '/no/model.onnx' })), {
      code: 'AUF_ERR_MODEL_LOAD',
    });
  });

  it('leaves no ffmpeg behind when unsubscribed early', async () => {
    const some = await lastValueFrom(analyze(SAMPLE_FACES, { model }).pipe(take(5), toArray()));
    assert.equal(some.length, 5);
    assert.equal(await waitForNoFfmpeg(), 0);
  });
});
