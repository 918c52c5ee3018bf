import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Subject, from, lastValueFrom, toArray } from 'rxjs';
import { AUModel } from '../src/model/AUModel.js';
import { DEFAULT_MODEL_PATH } from '../src/model/defaultModel.js';
import { emitLeased } from '../src/operators/frameLease.js';
import { inferAUs } from '../src/operators/inferAUs.js';
import type { Face } from '../src/types/face.js';
import type { Frame } from '../src/types/frame.js';
import type { AlignedFrame } from '../src/types/pipeline.js';
import type { FrameResult } from '../src/types/result.js';

let model: AUModel;
before(async () => (model = await AUModel.create(DEFAULT_MODEL_PATH, { maxBatch: 8, maxWaitMs: 2 })));
after(() => model.dispose());

const CROP_LENGTH = 3 * 224 * 224;

function crop(seed: number): Float32Array {
  const c = new Float32Array(CROP_LENGTH);
  for (let i = 0; i < c.length; i++) c[i] = Math.sin(i * 0.001 * seed);
  return c;
}

function frame(index: number, ptsMs: number): Frame {
  return { sourceId: 's', index, ptsMs, capturedAtMs: 0, width: 2, height: 2, data: new Uint8Array(12) };
}

function aligned(index: number, ptsMs: number, trackIds: (number | undefined)[]): AlignedFrame {
  return {
    frame: frame(index, ptsMs),
    faces: trackIds.map((trackId, k) => {
      const face: Face = {
        box: { x: 0, y: 0, width: 1, height: 1 },
        score: 0.9,
        keypoints: [],
        ...(trackId === undefined ? {} : { trackId }),
      };
      return { face, transform: { a: 1, b: 0, tx: 0, ty: 0 }, crop: crop(index + 10 * k + 1) };
    }),
  };
}

describe('inferAUs', () => {
  it('emits one result per frame, in order, with no-face frames and per-AU probabilities', async () => {
    const input = Array.from({ length: 20 }, (_, i) =>
      aligned(i, i * 40, i % 4 === 3 ? [] : [undefined, undefined]),
    );
    const out = await lastValueFrom(from(input).pipe(inferAUs(model), toArray()));
    assert.deepEqual(
      out.map((r) => r.index),
      input.map((a) => a.frame.index),
    );
    assert.deepEqual(
      out.map((r) => r.status),
      input.map((a) => (a.faces.length ? 'ok' : 'no-face')),
    );
    const face = out[0]!.faces[1]!;
    assert.equal(face.trackId, 2, 'untracked faces are numbered by their place in the frame, from 1');
    assert.deepEqual(Object.keys(face.aus), model.card.auNames);
    const direct = await model.infer(crop(11));
    model.card.auNames.forEach((au, i) => assert.ok(Math.abs(face.aus[au]! - direct[i]!) < 1e-6, au));
    assert.ok(
      model.stats.recentBatches.some((b) => b.size > 2),
      'frames in flight share batches',
    );
  });

  it('with maxHzPerTrack scores each track at that rate in media time and holds its last result', async () => {
    const before = model.stats.crops;
    // 30 fps for 1 s; track 7 throughout, an untracked face too.
    const input = Array.from({ length: 30 }, (_, i) => aligned(i, (i * 1000) / 30, [7, undefined]));
    const out = await lastValueFrom(from(input).pipe(inferAUs(model, { maxHzPerTrack: 10 }), toArray()));
    const tracked = out.map((r) => r.faces[0]!);
    const scored = tracked.map((f, i) => (f.held ? -1 : i)).filter((i) => i >= 0);
    assert.deepEqual(scored, [0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    tracked.forEach((f, i) => {
      const last = scored.filter((s) => s <= i).at(-1)!;
      assert.deepEqual(f.aus, tracked[last]!.aus, `frame ${i} carries frame ${last}'s result`);
    });
    assert.ok(
      out.every((r) => r.faces[1]!.held === undefined),
      'untracked faces are always scored',
    );
    assert.equal(model.stats.crops - before, 10 + 30);
  });

  it('retains each leased frame until its result is emitted', async () => {
    const freed: number[] = [];
    const results: number[] = [];
    const frames = new Subject<AlignedFrame>();
    const done = lastValueFrom(frames.pipe(inferAUs(model), toArray()));
    const sub = done.then((rs: FrameResult[]) => results.push(...rs.map((r) => r.index)));
    for (let i = 0; i < 5; i++) {
      const a = aligned(i, i * 40, [undefined]);
      emitLeased(
        a.frame,
        () => frames.next(a),
        () => freed.push(i),
      );
    }
    assert.deepEqual(freed, [], 'nothing is freed while inference runs');
    frames.complete();
    await sub;
    assert.deepEqual(results, [0, 1, 2, 3, 4]);
    assert.deepEqual(freed, [0, 1, 2, 3, 4]);
  });

  it('errors with the model error after the results before it', async () => {
    const broken = await AUModel.create(DEFAULT_MODEL_PATH);
    const seen: number[] = [];
    const input = [
      aligned(0, 0, [undefined]),
      {
        ...aligned(1, 40, []),
        faces: [{ ...aligned(1, 40, [undefined]).faces[0]!, crop: new Float32Array(3) }],
      },
    ];
    const error = await new Promise<{ code?: string }>((resolve) =>
      from(input)
        .pipe(inferAUs(broken))
        .subscribe({ next: (r) => seen.push(r.index), error: resolve }),
    );
    assert.equal(error.code, 'AUF_ERR_MODEL_SHAPE');
    assert.deepEqual(seen, [0]);
    await broken.dispose();
  });

  it('rejects a non-positive rate', () => {
    assert.throws(() => inferAUs(model, { maxHzPerTrack: 0 }), { code: 'AUF_ERR_INVALID_OPTION' });
  });
});
