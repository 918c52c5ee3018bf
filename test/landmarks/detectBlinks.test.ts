/** detectBlinks on hand-built openness sequences (30 fps media time). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { from, lastValueFrom, toArray } from 'rxjs';
import { OptionError } from '../../src/errors.js';
import { detectBlinks, type DetectBlinksOptions } from '../../src/operators/detectBlinks.js';
import type { AnalysisRecord, FaceResult, FrameResult } from '../../src/types/result.js';

const FRAME_MS = 1000 / 30;

function face(trackId: number, openness: number | undefined): FaceResult {
  return {
    trackId,
    box: { x: 0, y: 0, width: 100, height: 100 },
    score: 0.9,
    keypoints: [],
    aus: {},
    ...(openness === undefined
      ? {}
      : { geometry: { rightEyeOpenness: openness, leftEyeOpenness: openness, mouthOpenness: 0 } }),
  };
}

/** One frame per entry; each entry lists [trackId, openness] of the faces in it. */
function frames(rows: readonly (readonly [number, number | undefined])[][], sourceId = 'cam'): FrameResult[] {
  return rows.map((faces, index) => ({
    type: 'frame',
    sourceId,
    index,
    ptsMs: index * FRAME_MS,
    capturedAtMs: 0,
    width: 640,
    height: 480,
    status: faces.length ? 'ok' : 'no-face',
    faces: faces.map(([id, o]) => face(id, o)),
  }));
}

async function run(input: AnalysisRecord[], options?: DetectBlinksOptions): Promise<AnalysisRecord[]> {
  return lastValueFrom(from(input).pipe(detectBlinks(options), toArray()));
}

const openFor = (n: number, v = 0.12): [number, number][][] => Array.from({ length: n }, () => [[1, v]]);

describe('detectBlinks', () => {
  it('a track first seen mid-blink learns its open level from the frames after it', async () => {
    // Closed for the first three frames (an archive part starting inside a blink), then open.
    const seq = [[[1, 0.04]], [[1, 0.03]], [[1, 0.04]], ...openFor(10), [[1, 0.04]], [[1, 0.12]]] as [
      number,
      number,
    ][][];
    const blinks = (await run(frames(seq))).filter((r) => r.type === 'blink');
    assert.equal(blinks.length, 1, 'the later blink is found (the first closure has no start)');
    assert.equal(blinks[0]!.type === 'blink' && blinks[0]!.startMs, 13 * FRAME_MS);
  });

  it('emits one blink per closure, before the reopening frame, with media times of the closed frames', async () => {
    const seq = [
      ...openFor(10),
      [[1, 0.05]],
      [[1, 0.03]],
      [[1, 0.06]],
      [[1, 0.12]],
      ...openFor(10),
      [[1, 0.04]],
      [[1, 0.12]],
    ] as [number, number][][];
    const out = await run(frames(seq));
    const blinks = out.filter((r) => r.type === 'blink');
    assert.equal(blinks.length, 2);
    const [a, b] = blinks;
    assert.equal(a?.startMs, 10 * FRAME_MS);
    assert.equal(a?.endMs, 12 * FRAME_MS);
    assert.ok(Math.abs((a?.minOpenFraction ?? 0) - 0.25) < 1e-9);
    assert.equal(b?.startMs, 24 * FRAME_MS);
    assert.equal(b?.endMs, 24 * FRAME_MS);
    // Order: the blink comes right before frame 13 (the first open frame after it).
    const i = out.indexOf(a as AnalysisRecord);
    assert.equal((out[i + 1] as FrameResult).index, 13);
    assert.equal(out.filter((r) => r.type === 'frame').length, seq.length);
  });

  it('uses hysteresis: a dip between the thresholds neither starts nor ends a blink', async () => {
    // 0.09 is 75% of the 0.12 open level: below openAbove (85%), above closeBelow (70%).
    const seq = [...openFor(10), [[1, 0.09]], [[1, 0.05]], [[1, 0.09]], [[1, 0.09]], [[1, 0.12]]] as [
      number,
      number,
    ][][];
    const blinks = (await run(frames(seq))).filter((r) => r.type === 'blink');
    assert.equal(blinks.length, 1);
    assert.equal(blinks[0]?.startMs, 11 * FRAME_MS);
    assert.equal(blinks[0]?.endMs, 13 * FRAME_MS);
  });

  it('drops closures shorter than minDurationMs or longer than maxDurationMs', async () => {
    const short = [...openFor(10), [[1, 0.03]], [[1, 0.12]]] as [number, number][][];
    assert.equal(
      (await run(frames(short), { minDurationMs: 20 })).filter((r) => r.type === 'blink').length,
      0,
    );
    const long = [...openFor(10), ...openFor(40, 0.03), [[1, 0.12]]] as [number, number][][];
    assert.equal(
      (await run(frames(long), { maxDurationMs: 1000 })).filter((r) => r.type === 'blink').length,
      0,
    );
    assert.equal(
      (await run(frames(long), { maxDurationMs: 2000 })).filter((r) => r.type === 'blink').length,
      1,
    );
  });

  it('judges each track against its own open level, and ignores faces without geometry', async () => {
    // Track 2's eyes are narrow (0.06 open): 0.05 is no blink for it, 0.03 is.
    const seq = [
      ...Array.from({ length: 10 }, () => [
        [1, 0.12],
        [2, 0.06],
      ]),
      [
        [1, 0.12],
        [2, 0.05],
      ],
      [
        [1, undefined],
        [2, 0.06],
      ],
      [
        [1, 0.12],
        [2, 0.03],
      ],
      [
        [1, 0.12],
        [2, 0.06],
      ],
    ] as [number, number | undefined][][];
    const blinks = (await run(frames(seq))).filter((r) => r.type === 'blink');
    assert.deepEqual(
      blinks.map((b) => [b.trackId, b.startMs]),
      [[2, 12 * FRAME_MS]],
    );
  });

  it('rejects inconsistent thresholds with an OptionError naming them', () => {
    assert.throws(
      () => detectBlinks({ closeBelow: 0.9, openAbove: 0.8 }),
      (e: unknown) => e instanceof OptionError && /closeBelow/.test(e.message),
    );
    assert.throws(() => detectBlinks({ maxDurationMs: -1 }), OptionError);
  });
});
