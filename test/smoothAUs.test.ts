/**
 * smoothAUs: each smoother checked against its formula on known inputs (step, ramp, spike),
 * with variable frame gaps; hysteresis on hand-built sequences; per-track state life cycle.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { from, lastValueFrom, toArray } from 'rxjs';
import { OptionError } from '../src/errors.js';
import { describeSmoothing, smoothAUs, type SmoothAUsOptions } from '../src/operators/smoothAUs.js';
import type { AnalysisRecord, AUEvent, FaceResult, FrameResult } from '../src/types/result.js';

function frame(ptsMs: number, faces: readonly Partial<FaceResult>[], sourceId = 'cam'): FrameResult {
  return {
    type: 'frame',
    sourceId,
    index: Math.round(ptsMs),
    ptsMs,
    capturedAtMs: 0,
    width: 640,
    height: 480,
    status: faces.length > 0 ? 'ok' : 'no-face',
    faces: faces.map((f) => ({
      trackId: 1,
      box: { x: 0, y: 0, width: 10, height: 10 },
      score: 1,
      keypoints: [],
      aus: {},
      ...f,
    })),
  };
}

const onlyFrames = (records: readonly AnalysisRecord[]): FrameResult[] =>
  records.filter((r): r is FrameResult => r.type === 'frame');

/** One track, one AU (`AU12`): values at times through the operator; returns smoothed values. */
async function series(times: readonly number[], values: readonly number[], options: SmoothAUsOptions) {
  const input = times.map((t, i) => frame(t, [{ aus: { AU12: values[i] ?? 0 } }]));
  const out = onlyFrames(
    await lastValueFrom(from<AnalysisRecord[]>(input).pipe(smoothAUs(options), toArray())),
  );
  return {
    smoothed: out.map((f) => f.faces[0]?.smoothed?.AU12 ?? NaN),
    active: out.map((f) => f.faces[0]?.active?.AU12 ?? false),
    out,
  };
}

const close = (actual: number, expected: number, tolerance = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

// Irregular gaps: 33, 67, 100, 17 ms... like a variable-rate stream with dropped frames.
const irregular = [0, 33, 100, 200, 217, 250, 350, 383, 450, 567, 600, 633, 733, 800];

describe('smoothAUs: ema', () => {
  it('follows 1 - exp(-(t - t0) / tau) after a step, whatever the frame gaps', async () => {
    const values = irregular.map((t) => (t >= 200 ? 1 : 0));
    const { smoothed } = await series(irregular, values, { method: 'ema', tauMs: 150 });
    irregular.forEach((t, i) => close(smoothed[i] ?? NaN, t < 200 ? 0 : 1 - Math.exp(-(t - 100) / 150)));
  });

  it('trails a ramp by a * h / (1 - a), a = exp(-h / tau) (tau minus half a frame)', async () => {
    const h = 10;
    const times = Array.from({ length: 300 }, (_, i) => i * h);
    const { smoothed } = await series(
      times,
      times.map((t) => t / 3000),
      { method: 'ema', tauMs: 150 },
    );
    const a = Math.exp(-h / 150);
    const lagMs = (a * h) / (1 - a);
    close(lagMs, 145.06, 0.01);
    close(smoothed[299] ?? NaN, (2990 - lagMs) / 3000, 1e-6);
  });
});

describe('smoothAUs: one-euro', () => {
  it('with beta 0 is a low-pass with alpha = 1 / (1 + 1 / (2 pi fc dt)) per step', async () => {
    const values = irregular.map((t) => (t >= 200 ? 1 : 0));
    const { smoothed } = await series(irregular, values, { method: 'one-euro', minCutoffHz: 2, beta: 0 });
    let expected = 0;
    irregular.forEach((t, i) => {
      if (i > 0) {
        const dt = (t - (irregular[i - 1] ?? 0)) / 1000;
        const alpha = 1 / (1 + 1 / (2 * Math.PI * 2 * dt));
        expected += alpha * ((values[i] ?? 0) - expected);
      }
      close(smoothed[i] ?? NaN, expected);
    });
  });

  it('reacts faster to a step when beta > 0 and stays put on a constant input', async () => {
    const times = Array.from({ length: 30 }, (_, i) => i * 33);
    const step = times.map((t) => (t >= 330 ? 1 : 0));
    const slow = await series(times, step, { method: 'one-euro', beta: 0 });
    const fast = await series(times, step, { method: 'one-euro', beta: 1 });
    assert.ok((fast.smoothed[13] ?? 0) > (slow.smoothed[13] ?? 1) + 0.05);
    const flat = await series(
      times,
      times.map(() => 0.3),
      { method: 'one-euro', beta: 1 },
    );
    flat.smoothed.forEach((v) => close(v, 0.3));
  });
});

describe('smoothAUs: median', () => {
  it('removes a one-frame spike and passes a step after half the window', async () => {
    const times = Array.from({ length: 20 }, (_, i) => i * 40);
    const spike = await series(
      times,
      times.map((t) => (t === 200 ? 1 : 0)),
      { method: 'median', windowMs: 200 },
    );
    assert.deepEqual(
      spike.smoothed,
      times.map(() => 0),
    );
    // Window (t - 200, t] holds 5 samples at 40 ms: the step at 400 shows once 3 are new (480).
    const step = await series(
      times,
      times.map((t) => (t >= 400 ? 1 : 0)),
      { method: 'median', windowMs: 200 },
    );
    assert.deepEqual(
      step.smoothed,
      times.map((t) => (t >= 480 ? 1 : 0)),
    );
  });

  it('averages the middle pair when the window holds an even count (variable gaps)', async () => {
    const { smoothed } = await series([0, 50, 60], [0.2, 0.4, 0.9], { method: 'median', windowMs: 55 });
    // At 60 ms the window (5, 60] holds 0.4 and 0.9.
    close(smoothed[2] ?? NaN, 0.65);
  });
});

describe('smoothAUs: hysteresis', () => {
  it('switches on at `on`, off below `off`, and ignores jitter in between', async () => {
    const values = [0.2, 0.6, 0.45, 0.6, 0.41, 0.39, 0.45, 0.5];
    const times = values.map((_, i) => i * 33);
    const { active } = await series(times, values, { method: 'none', minDurationMs: 0 });
    assert.deepEqual(active, [false, true, true, true, true, false, false, true]);
  });

  it('needs a crossing to last minDurationMs of media time', async () => {
    const times = [0, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500];
    const values = [0.1, 0.9, 0.1, 0.9, 0.9, 0.9, 0.2, 0.9, 0.2, 0.2, 0.2];
    const { active } = await series(times, values, { method: 'none', minDurationMs: 100 });
    // On at 250 (0.9 since 150); the one-frame dip at 300 is bridged; off at 500 (low since 400).
    assert.deepEqual(active, [false, false, false, false, false, true, true, true, true, true, false]);
  });

  it('takes `on` from the model card, then from `thresholds`, with off = on - 0.1', async () => {
    const card = { auNames: ['AU01', 'AU12'], thresholds: [0.3, 0.7] };
    const input = [0.35, 0.25, 0.15].map((v, i) =>
      frame(i * 100, [{ aus: { AU01: v, AU12: v + 0.4, AU04: v + 0.2 } }]),
    );
    const options: SmoothAUsOptions = {
      method: 'none',
      minDurationMs: 0,
      card,
      thresholds: { AU04: { on: 0.5, off: 0.3 } },
    };
    const out = onlyFrames(
      await lastValueFrom(from<AnalysisRecord[]>(input).pipe(smoothAUs(options), toArray())),
    );
    const flags = out.map((f) => f.faces[0]?.active);
    assert.deepEqual(flags, [
      { AU01: true, AU12: true, AU04: true },
      { AU01: true, AU12: true, AU04: true },
      { AU01: false, AU12: false, AU04: true }, // AU04: 0.35 is above its own off (0.3)
    ]);
    assert.equal(out[0]?.faces[0]?.smoothed, undefined, "method 'none' adds no smoothed values");
  });
});

describe('smoothAUs: state', () => {
  it('keeps tracks and sources apart, resets a track after trackTimeoutMs, skips held faces', async () => {
    const input: AnalysisRecord[] = [
      frame(0, [
        { trackId: 1, aus: { AU12: 0 } },
        { trackId: 2, aus: { AU12: 1 } },
      ]),
      frame(0, [{ trackId: 1, aus: { AU12: 1 } }], 'other'),
      frame(100, [
        { trackId: 1, aus: { AU12: 1 } },
        { trackId: 2, aus: { AU12: 1 } },
      ]),
      frame(200, [{ trackId: 1, aus: { AU12: 0.9 }, held: true }]),
      frame(1250, [{ trackId: 2, aus: { AU12: 0.2 } }]), // track 2 gone for 1150 ms > 1000
    ];
    const out = onlyFrames(
      await lastValueFrom(from<AnalysisRecord[]>(input).pipe(smoothAUs({ tauMs: 100 }), toArray())),
    );
    const s = (i: number, j = 0): number => out[i]?.faces[j]?.smoothed?.AU12 ?? NaN;
    close(s(0, 0), 0);
    close(s(0, 1), 1);
    close(s(1), 1);
    close(s(2, 0), 1 - Math.exp(-1));
    close(s(2, 1), 1);
    close(s(3), 1 - Math.exp(-1), 0); // held: unchanged, not pulled towards 0.9
    close(s(4), 0.2); // fresh state
    assert.equal(out[3]?.faces[0]?.aus.AU12, 0.9, 'raw values are kept');
  });

  it('passes events through and never mutates its input', async () => {
    const event: AUEvent = {
      type: 'event',
      sourceId: 'cam',
      trackId: 1,
      au: 'AU12',
      startMs: 0,
      endMs: 5,
      startIndex: 0,
      endIndex: 0,
      peakMs: 1,
      peakProbability: 0.9,
    };
    const f = frame(0, [{ aus: { AU12: 0.7 } }]);
    const snapshot = JSON.stringify(f);
    const out = await lastValueFrom(from([f, event]).pipe(smoothAUs(), toArray()));
    assert.equal(out[1], event);
    assert.notEqual(out[0], f);
    assert.equal(JSON.stringify(f), snapshot);
  });

  it('describes method and parameters for the JSONL header, and rejects bad options', () => {
    assert.deepEqual(describeSmoothing({ method: 'one-euro', thresholds: { AU12: 0.6 } }), {
      method: 'one-euro',
      minCutoffHz: 1,
      beta: 1,
      dCutoffHz: 1,
      lagMs: 159.2,
      trackTimeoutMs: 1000,
      minDurationMs: 100,
      thresholds: { AU12: { on: 0.6, off: 0.5 } },
      defaultThreshold: { on: 0.5, off: 0.4 },
    });
    assert.throws(
      () => smoothAUs({ tauMs: 0 }),
      (e: unknown) => e instanceof OptionError && /tauMs/.test(e.message),
    );
    assert.throws(() => smoothAUs({ method: 'kalman' as 'ema' }), /none, ema, one-euro, median/);
    assert.throws(() => smoothAUs({ thresholds: { AU12: { on: 0.4, off: 0.6 } } }), /thresholds\.AU12/);
  });
});
