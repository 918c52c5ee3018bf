/**
 * The lean hot path (issue 6, item 1): AUModel's pooled batch tensors, the session's
 * transfer-without-copy, and inferAUs warping faces from alignFaces straight into the batch.
 * Every path must give the same probabilities as the plain copy path (within 1e-6).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { from, lastValueFrom, toArray } from 'rxjs';
import { alignmentTransform, warpToTensor } from '../src/detector/alignFace.js';
import { AUModel } from '../src/model/AUModel.js';
import { DEFAULT_MODEL_PATH } from '../src/model/defaultModel.js';
import { openSession } from '../src/model/openSession.js';
import { alignFaces, deferredWarp } from '../src/operators/alignFaces.js';
import { inferAUs } from '../src/operators/inferAUs.js';
import type { Face } from '../src/types/face.js';
import type { Frame } from '../src/types/frame.js';

const CROP_LENGTH = 3 * 224 * 224;

function crop(seed: number): Float32Array {
  const c = new Float32Array(CROP_LENGTH);
  for (let i = 0; i < c.length; i++) c[i] = Math.sin(i * 0.0007 * seed + seed);
  return c;
}

function maxDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  assert.equal(a.length, b.length);
  let d = 0;
  a.forEach((p, i) => p.forEach((v, j) => (d = Math.max(d, Math.abs(v - b[i]![j]!)))));
  return d;
}

/** A 320x240 frame of deterministic noise, so every crop pixel depends on the warp. */
function noiseFrame(index: number): Frame {
  const width = 320;
  const height = 240;
  const data = new Uint8Array(width * height * 3);
  let s = index + 7;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[i] = s >> 23;
  }
  return { sourceId: 'cam', index, ptsMs: index * 40, capturedAtMs: 0, width, height, data };
}

/** A face whose keypoints are the model's template, scaled by `scale` and shifted. */
function face(model: AUModel, scale: number, dx: number, dy: number): Face {
  const keypoints = model.card.alignmentTemplate.map((p) => ({ x: p.x * scale + dx, y: p.y * scale + dy }));
  return { box: { x: dx, y: dy, width: 224 * scale, height: 224 * scale }, score: 0.9, keypoints };
}

let reference: AUModel;
before(async () => (reference = await AUModel.create(DEFAULT_MODEL_PATH, { maxBatch: 1, maxWaitMs: 0 })));
after(() => reference.dispose());

/** Plain bilinear sampling, one bounds-checked tap at a time: what warpToTensor must equal. */
function referenceWarp(frame: Frame, model: AUModel, f: Face): Float32Array {
  const { card } = model;
  const t = alignmentTransform(f, card);
  const s2 = t.a * t.a + t.b * t.b;
  const out = new Float32Array(CROP_LENGTH);
  const plane = 224 * 224;
  for (let v = 0; v < 224; v++) {
    for (let u = 0; u < 224; u++) {
      // Inverse similarity of the pixel centre, back to frame pixel-centre coordinates.
      const cu = u + 0.5 - t.tx;
      const cv = v + 0.5 - t.ty;
      const x = (t.a * cu + t.b * cv) / s2 - 0.5;
      const y = (-t.b * cu + t.a * cv) / s2 - 0.5;
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (const [dx, dy] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ] as const) {
          const xx = Math.floor(x) + dx;
          const yy = Math.floor(y) + dy;
          if (xx < 0 || yy < 0 || xx >= frame.width || yy >= frame.height) continue;
          const w =
            (dx ? x - Math.floor(x) : 1 - (x - Math.floor(x))) *
            (dy ? y - Math.floor(y) : 1 - (y - Math.floor(y)));
          acc += w * frame.data[(yy * frame.width + xx) * 3 + c]!;
        }
        out[c * plane + v * 224 + u] = (acc / 255 - card.mean[c]!) / card.std[c]!;
      }
    }
  }
  return out;
}

describe('warpToTensor interior fast path', () => {
  it('equals plain bilinear sampling inside the frame and across its edges (within 1e-4)', () => {
    const frame = noiseFrame(9);
    // One face well inside, one hanging over the top-left corner (black outside).
    for (const f of [face(reference, 0.7, 60, 30), face(reference, 0.8, -60, -50)]) {
      const got = warpToTensor(frame, alignmentTransform(f, reference.card), reference.card);
      const want = referenceWarp(frame, reference, f);
      assert.ok(maxDiff([got], [want]) <= 1e-4, `max diff ${maxDiff([got], [want])}`);
    }
  });
});

describe('AUModel batch tensor pool', () => {
  it('reuses one tensor for back-to-back batches, and clean slots in a reused partial batch', async () => {
    const model = await AUModel.create(DEFAULT_MODEL_PATH, { maxBatch: 4, maxWaitMs: 1 });
    try {
      const crops = Array.from({ length: 4 }, (_, i) => crop(i + 1));
      const expected = await Promise.all(crops.map((c) => reference.infer(c)));
      for (let round = 0; round < 5; round++) {
        // Full batch, then a partial one in the same (reused) tensor: stale crops must not matter.
        assert.ok(maxDiff(await Promise.all(crops.map((c) => model.infer(c))), expected) <= 1e-6);
        const partial = await Promise.all([model.infer(crops[2]!), model.infer(crops[0]!)]);
        assert.ok(maxDiff(partial, [expected[2]!, expected[0]!]) <= 1e-6);
      }
      assert.equal(model.stats.batches, 10);
      // The tensor comes back from the worker before the results resolve: one serves all ten.
      assert.equal(model.tensorsAllocated, 1);
    } finally {
      await model.dispose();
    }
  });

  it('allocates one tensor per queued batch in a burst, and keeps at most two idle', async () => {
    const model = await AUModel.create(DEFAULT_MODEL_PATH, { maxBatch: 2, maxWaitMs: 1 });
    try {
      const crops = Array.from({ length: 6 }, (_, i) => crop(i + 11));
      const expected = await Promise.all(crops.map((c) => reference.infer(c)));
      assert.ok(maxDiff(await Promise.all(crops.map((c) => model.infer(c))), expected) <= 1e-6);
      assert.equal(model.tensorsAllocated, 3, 'three batches of two queued at once');
      // Two came back to the pool (the third was dropped): the next burst allocates one more.
      assert.ok(maxDiff(await Promise.all(crops.map((c) => model.infer(c))), expected) <= 1e-6);
      assert.equal(model.tensorsAllocated, 4);
      assert.deepEqual(
        model.stats.recentBatches.map((b) => b.size),
        [2, 2, 2, 2, 2, 2],
      );
    } finally {
      await model.dispose();
    }
  });

  it('inferWith writes in place; a writer that throws rejects with its error and takes no slot', async () => {
    const model = await AUModel.create(DEFAULT_MODEL_PATH, { maxBatch: 4, maxWaitMs: 5 });
    try {
      const a = crop(21);
      const b = crop(22);
      const boom = new Error('writer failed');
      const results = await Promise.allSettled([
        model.inferWith((t, o) => t.set(a, o), 'x'),
        model.inferWith(() => {
          throw boom;
        }, 'bad'),
        model.inferWith((t, o) => t.set(b, o), 'y'),
      ]);
      assert.equal(results[1]!.status, 'rejected');
      assert.equal((results[1] as PromiseRejectedResult).reason, boom);
      const got = [results[0], results[2]].map((r) => (r as PromiseFulfilledResult<Float32Array>).value);
      assert.ok(maxDiff(got, [await reference.infer(a), await reference.infer(b)]) <= 1e-6);
      assert.deepEqual(model.stats.recentBatches.at(-1), { size: 2, tags: ['x', 'y'] });
    } finally {
      await model.dispose();
    }
  });
});

describe('openSession runTransferring', () => {
  it('moves the feeds to the worker and back, and gives the same outputs as run', async () => {
    const session = await openSession(DEFAULT_MODEL_PATH);
    try {
      const data = new Float32Array(3 * CROP_LENGTH);
      data.set(crop(31), 0);
      data.set(crop(32), CROP_LENGTH);
      const view = data.subarray(0, 2 * CROP_LENGTH);
      const copied = await session.run({ images: { data: view, dims: [2, 3, 224, 224] } });
      const pending = session.runTransferring({ images: { data: view, dims: [2, 3, 224, 224] } });
      assert.equal(data.length, 0, 'transferred, not copied: detached here while it runs');
      const { outputs, feeds } = await pending;
      assert.deepEqual(Array.from(outputs['logits']!.data), Array.from(copied['logits']!.data));
      const back = feeds['images']!.data;
      assert.equal(back.length, 2 * CROP_LENGTH);
      assert.equal(back.buffer.byteLength, 3 * CROP_LENGTH * 4, 'the whole buffer comes back');
      assert.deepEqual(back.subarray(CROP_LENGTH, CROP_LENGTH + 5), crop(32).subarray(0, 5));
    } finally {
      await session.release();
    }
  });
});

describe('inferAUs on faces from alignFaces', () => {
  it('warps straight into the batch: same probabilities as warpToTensor + infer, crop unread', async () => {
    const model = await AUModel.create(DEFAULT_MODEL_PATH, { maxBatch: 4, maxWaitMs: 2 });
    try {
      const input = [0, 1, 2].map((i) => ({
        frame: noiseFrame(i),
        faces: [face(model, 0.6 + 0.1 * i, 10 + i * 5, 20), face(model, 0.5, 150, 60 + i * 3)],
      }));
      const aligned = await lastValueFrom(from(input).pipe(alignFaces(model), toArray()));
      assert.ok(aligned.every((a) => a.faces.every((f) => deferredWarp(f, model.card) !== undefined)));
      const out = await lastValueFrom(from(aligned).pipe(inferAUs(model), toArray()));
      // Nothing read the crops: they were warped into the batch tensor, never allocated.
      assert.ok(aligned.every((a) => a.faces.every((f) => deferredWarp(f, model.card) !== undefined)));
      const expected = await Promise.all(
        input.flatMap(({ frame, faces }) =>
          faces.map((f) =>
            reference.infer(warpToTensor(frame, alignmentTransform(f, model.card), model.card)),
          ),
        ),
      );
      const got = out.flatMap((r) =>
        r.faces.map((f) => Float32Array.from(model.card.auNames.map((n) => f.aus[n]!))),
      );
      assert.ok(maxDiff(got, expected) <= 1e-6, `max diff ${maxDiff(got, expected)}`);
      assert.notDeepEqual(got[0], got[1], 'different faces, different probabilities');
    } finally {
      await model.dispose();
    }
  });

  it('keeps AlignedFace.crop: computed on first read, cached, spread and serialised as before', async () => {
    const input = { frame: noiseFrame(5), faces: [face(reference, 0.7, 30, 10)] };
    const [aligned] = await lastValueFrom(from([input]).pipe(alignFaces(reference), toArray()));
    const f = aligned!.faces[0]!;
    const direct = warpToTensor(
      input.frame,
      alignmentTransform(input.faces[0]!, reference.card),
      reference.card,
    );
    assert.deepEqual(f.crop, direct);
    assert.equal(f.crop, f.crop, 'computed once');
    assert.equal(deferredWarp(f, reference.card), undefined, 'a read crop is used as is');
    assert.equal({ ...f }.crop, f.crop);
    assert.equal(Object.keys(JSON.parse(JSON.stringify(f)) as object).join(), 'face,transform,crop');
    // Read crops still go through infer (the copy path) with the same result.
    const [result] = await lastValueFrom(from([aligned!]).pipe(inferAUs(reference), toArray()));
    const expected = await reference.infer(direct);
    const got = Float32Array.from(reference.card.auNames.map((n) => result!.faces[0]!.aus[n]!));
    assert.ok(maxDiff([got], [expected]) <= 1e-6);
  });
});
