/** baseline: a per-track neutral estimate on hand-built sequences with a known resting level. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { from, lastValueFrom, toArray } from 'rxjs';
import { OptionError } from '../src/errors.js';
import { baseline, percentile, type BaselineOptions } from '../src/operators/baseline.js';
import type { AnalysisRecord, FaceResult, FrameResult } from '../src/types/result.js';

function frame(ptsMs: number, faces: readonly (Partial<FaceResult> & { trackId: number })[]): FrameResult {
  return {
    type: 'frame',
    sourceId: 'cam',
    index: ptsMs,
    ptsMs,
    capturedAtMs: 0,
    width: 1,
    height: 1,
    status: 'ok',
    faces: faces.map((f) => ({
      box: { x: 0, y: 0, width: 1, height: 1 },
      score: 1,
      keypoints: [],
      aus: {},
      ...f,
    })),
  };
}

async function run(input: readonly FrameResult[], options?: BaselineOptions): Promise<FrameResult[]> {
  const out = await lastValueFrom(from<AnalysisRecord[]>([...input]).pipe(baseline(options), toArray()));
  return out.filter((r): r is FrameResult => r.type === 'frame');
}

describe('baseline', () => {
  it('finds a resting level despite expressive moments and reports values relative to it', async () => {
    // 20 s at 10 fps: AU12 rests at 0.3 (with +-0.02 wobble) and smiles at 0.8 one second in five.
    const level = (t: number): number => (t % 5000 >= 4000 ? 0.8 : 0.3 + 0.02 * Math.sin(t / 300));
    const input = Array.from({ length: 200 }, (_, i) =>
      frame(i * 100, [{ trackId: 1, smoothed: { AU12: level(i * 100) }, aus: { AU12: 0 } }]),
    );
    const out = await run(input, { warmupMs: 3000 });
    const face = (t: number) => out[t / 100]?.faces[0];
    assert.equal(face(2900)?.baseline, undefined, 'no baseline during warm-up');
    const b = face(19000)?.baseline?.AU12 ?? NaN;
    assert.ok(b > 0.28 && b < 0.3, `baseline ${b} is the low end of the resting wobble`);
    const smile = face(19000)?.relative?.AU12 ?? NaN;
    assert.ok(Math.abs(smile - (0.8 - b)) < 1e-12, 'relative = smoothed - baseline');
    assert.equal(face(19000)?.aus.AU12, 0, 'raw values kept');
  });

  it('follows a change of resting level once it fills the window, per track', async () => {
    const input = Array.from({ length: 100 }, (_, i) =>
      frame(i * 100, [
        { trackId: 1, aus: { AU04: i < 50 ? 0.4 : 0.1 } },
        { trackId: 2, aus: { AU04: 0.6 } },
      ]),
    );
    const out = await run(input, { windowMs: 2000, warmupMs: 0, percentile: 50 });
    const b = (i: number, j: number): number => out[i]?.faces[j]?.baseline?.AU04 ?? NaN;
    assert.equal(b(49, 0), 0.4);
    assert.equal(b(99, 0), 0.1);
    assert.equal(b(99, 1), 0.6);
  });

  it('computes linear-interpolated percentiles and rejects bad options', () => {
    assert.equal(percentile([4, 1, 3, 2], 50), 2.5);
    assert.equal(percentile([4, 1, 3, 2], 0), 1);
    assert.equal(percentile([4, 1, 3, 2], 100), 4);
    assert.throws(
      () => baseline({ percentile: 120 }),
      (e: unknown) => e instanceof OptionError && /percentile/.test(e.message),
    );
    assert.throws(() => baseline({ windowMs: -1 }), /windowMs/);
  });
});
