/** The CLI's run summary and the position it reports to the progress line. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Summary } from '../../src/cli/summary.js';
import type { AUEvent, FrameResult } from '../../src/types/result.js';

const frame = (sourceId: string, ptsMs: number): FrameResult => ({
  ...{ type: 'frame', sourceId, index: ptsMs / 100, ptsMs, capturedAtMs: 0 },
  ...{ width: 1, height: 1, status: 'no-face', faces: [] },
});
const event: AUEvent = {
  ...{ type: 'event', sourceId: 'a.mp4', trackId: 1, au: 'AU12', startMs: 0, endMs: 200 },
  ...{ startIndex: 0, endIndex: 1, peakMs: 100, peakProbability: 0.9 },
};

// Regression: an event record reported position 0, so the progress bar jumped back to 0%.
it('keeps the last frame position for event records and adds finished sources', () => {
  const summary = new Summary(
    new Map([
      ['a.mp4', 1000],
      ['b.mp4', 1000],
    ]),
  );
  const positions = [frame('a.mp4', 600), event, frame('b.mp4', 200), event].map((r) => {
    summary.add(r);
    return summary.positionMs(r);
  });
  assert.deepEqual(positions, [600, 600, 1200, 1200]);
  assert.equal(summary.events, 2);
});
