/**
 * detectEvents on hand-built sequences with known episodes, alone and after smoothAUs,
 * including episodes still open when the stream ends or fails, and tracks that vanish.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concat, from, lastValueFrom, throwError, toArray } from 'rxjs';
import { OptionError } from '../src/errors.js';
import { detectEvents } from '../src/operators/detectEvents.js';
import { smoothAUs } from '../src/operators/smoothAUs.js';
import type { AnalysisRecord, AUEvent, FaceResult, FrameResult } from '../src/types/result.js';

type FaceSpec = Partial<FaceResult> & { trackId: number };

function frame(ptsMs: number, faces: readonly FaceSpec[], sourceId = 'cam'): FrameResult {
  return {
    type: 'frame',
    sourceId,
    index: ptsMs / 100,
    ptsMs,
    capturedAtMs: 0,
    width: 640,
    height: 480,
    status: faces.length > 0 ? 'ok' : 'no-face',
    faces: faces.map((f) => ({
      box: { x: 0, y: 0, width: 10, height: 10 },
      score: 1,
      keypoints: [],
      aus: {},
      ...f,
    })),
  };
}

/** Frames every 100 ms for track 1 with AU12 probabilities `p` and flags `p >= 0.5`. */
function flagged(p: readonly number[]): FrameResult[] {
  return p.map((v, i) => frame(i * 100, [{ trackId: 1, aus: { AU12: v }, active: { AU12: v >= 0.5 } }]));
}

const run = (records: readonly AnalysisRecord[], ...ops: Parameters<typeof detectEvents>) =>
  lastValueFrom(from([...records]).pipe(detectEvents(...ops), toArray()));

const span = (startMs: number, endMs: number, startIndex: number, endIndex: number) => ({
  startMs,
  endMs,
  startIndex,
  endIndex,
});

const event = (e: Omit<AUEvent, 'type' | 'sourceId'> & { sourceId?: string }): AUEvent => ({
  type: 'event',
  sourceId: 'cam',
  ...e,
});

/** The output as a compact timeline: `f<pts>` for frames, `E<au>@<start>-<end>` for events. */
const timeline = (out: readonly AnalysisRecord[]): string[] =>
  out.map((r) =>
    r.type === 'frame'
      ? `f${r.ptsMs}`
      : `E${r.trackId}.${r.type === 'event' ? r.au : r.type}@${r.startMs}-${r.endMs}`,
  );

describe('detectEvents', () => {
  it('emits each episode when it closes, before the closing frame, and flushes the open one at the end', async () => {
    const input = flagged([0.1, 0.6, 0.9, 0.7, 0.2, 0.3, 0.8, 0.95]);
    const out = await run(input);
    assert.deepEqual(timeline(out), [
      'f0',
      'f100',
      'f200',
      'f300',
      'E1.AU12@100-400',
      'f400',
      'f500',
      'f600',
      'f700',
      'E1.AU12@600-800',
    ]);
    const events = out.filter((r) => r.type === 'event');
    assert.deepEqual(events, [
      // Each episode ends at the end of its last active frame: the next frame's pts, or one
      // frame step after the last frame at the end of the stream.
      event({ ...span(100, 400, 1, 3), trackId: 1, au: 'AU12', peakMs: 200, peakProbability: 0.9 }),
      event({ ...span(600, 800, 6, 7), trackId: 1, au: 'AU12', peakMs: 700, peakProbability: 0.95 }),
    ]);
    input.forEach((f, i) =>
      assert.equal(out.filter((r) => r.type === 'frame')[i], f, 'frames pass through as is'),
    );
  });

  it('finds the episodes of a probability sequence after smoothAUs (hysteresis, minDurationMs)', async () => {
    // AU12 (on 0.5, off 0.4): the blip at 100 is shorter than 150 ms; the run from 400 is cut by
    // 0.45 at 600 (below on: the on-timer restarts); from 700 it lasts, so active turns on at 900.
    // Below off from 1000, active turns off at 1200: the episode is 900..1100, peak 0.6 at 900.
    const p = [0.2, 0.8, 0.2, 0.2, 0.7, 0.8, 0.45, 0.97, 0.9, 0.6, 0.3, 0.2, 0.1];
    const input = p.map((v, i) => frame(i * 100, [{ trackId: 4, aus: { AU12: v, AU04: 0.1 } }]));
    const out = await lastValueFrom(
      from<AnalysisRecord[]>(input).pipe(
        smoothAUs({ method: 'none', minDurationMs: 150 }),
        detectEvents(),
        toArray(),
      ),
    );
    assert.deepEqual(
      out.filter((r) => r.type === 'event'),
      [event({ ...span(900, 1200, 9, 11), trackId: 4, au: 'AU12', peakMs: 900, peakProbability: 0.6 })],
    );
  });

  it('closes episodes of a track unseen for more than trackTimeoutMs, not of one briefly hidden', async () => {
    const on = { AU12: 0.9 };
    const input = [
      frame(0, [
        { trackId: 1, aus: on, active: { AU12: true } },
        { trackId: 2, aus: on, active: { AU12: true } },
      ]),
      frame(100, [{ trackId: 2, aus: on, active: { AU12: true } }]), // 1 hidden
      frame(400, [{ trackId: 1, aus: on, active: { AU12: true } }]), // 1 back after 400 ms; 2 hidden
      frame(1200, [{ trackId: 1, aus: on, active: { AU12: true } }]), // 2 unseen for 1100 ms
      frame(1300, []),
    ];
    const out = await run(input, { trackTimeoutMs: 1000 });
    assert.deepEqual(timeline(out), [
      'f0',
      'f100',
      'f400',
      'E2.AU12@0-400',
      'f1200',
      'f1300',
      'E1.AU12@0-1300',
    ]);
  });

  it('keeps sources and AUs apart and uses the raw threshold for faces without flags', async () => {
    const input = [
      frame(0, [{ trackId: 1, aus: { AU01: 0.7, AU02: 0.2 } }], 'a'),
      frame(0, [{ trackId: 1, aus: { AU01: 0.1, AU02: 0.9 } }], 'b'),
      frame(100, [{ trackId: 1, aus: { AU01: 0.3, AU02: 0.65 } }], 'a'),
      frame(100, [{ trackId: 1, aus: { AU01: 0.1, AU02: 0.2 } }], 'b'),
    ];
    const events = (await run(input, { threshold: 0.6 })).filter((r) => r.type === 'event');
    assert.deepEqual(events, [
      event({
        ...span(0, 100, 0, 0),
        sourceId: 'a',
        trackId: 1,
        au: 'AU01',
        peakMs: 0,
        peakProbability: 0.7,
      }),
      event({
        ...span(0, 100, 0, 0),
        sourceId: 'b',
        trackId: 1,
        au: 'AU02',
        peakMs: 0,
        peakProbability: 0.9,
      }),
      event({
        ...span(100, 200, 1, 1),
        sourceId: 'a',
        trackId: 1,
        au: 'AU02',
        peakMs: 100,
        peakProbability: 0.65,
      }),
    ]);
  });

  it('emits open episodes before re-throwing an upstream error', async () => {
    const failure = new Error('decoder died');
    const records: AnalysisRecord[] = [];
    const outcome = await new Promise<unknown>((resolve) => {
      concat(
        from<AnalysisRecord[]>(flagged([0.9, 0.8])),
        throwError(() => failure),
      )
        .pipe(detectEvents())
        .subscribe({ next: (r) => records.push(r), error: resolve, complete: () => resolve('completed') });
    });
    assert.equal(outcome, failure);
    assert.deepEqual(timeline(records), ['f0', 'f100', 'E1.AU12@0-200']);
  });

  it('rejects invalid options naming the option', () => {
    assert.throws(
      () => detectEvents({ trackTimeoutMs: -5 }),
      (e: unknown) => e instanceof OptionError && /trackTimeoutMs/.test(e.message),
    );
    assert.throws(() => detectEvents({ threshold: 2 }), /threshold/);
    assert.throws(() => detectEvents({ minDurationMs: Number.NaN }), /minDurationMs/);
  });

  // Regression: one-frame episodes had duration 0 (end = start of the last active frame).
  it('gives a one-frame episode the frame duration and drops episodes under minDurationMs', async () => {
    const at30fps = [0, 1, 2, 3, 4].map((i) =>
      frame((i * 1000) / 30, [{ trackId: 1, aus: { AU12: i === 2 ? 0.9 : 0.1 } }]),
    );
    const indexed = at30fps.map((f, i) => ({ ...f, index: i }));
    const [kept] = (await run(indexed, { minDurationMs: 0 })).filter((r) => r.type === 'event');
    assert.deepEqual(kept && [kept.startIndex, kept.endIndex], [2, 2]);
    assert.ok(kept && Math.abs(kept.endMs - kept.startMs - 1000 / 30) < 1e-9, 'lasts one frame');
    const byDefault = (await run(indexed)).filter((r) => r.type === 'event');
    assert.deepEqual(byDefault, [], 'a 33 ms flicker is under the default 100 ms minimum');
  });
});
