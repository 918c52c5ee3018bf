import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAnalyzeArgs } from '../src/cli/analyzeArgs.js';
import { UsageError } from '../src/cli/pipelineArgs.js';
import { parseServeArgs } from '../src/cli/serveArgs.js';

describe('CLI arguments shared by analyze and serve', () => {
  it('map to the same SDK options in both commands', () => {
    const common = [
      '--max-hz',
      '5',
      '--smooth',
      'one-euro',
      '--detector',
      'back',
      '--max-faces',
      '3',
      '--batch',
      '4',
      '--no-track',
    ];
    const a = parseAnalyzeArgs(['in.mp4', ...common, '--fps', '10']);
    const s = parseServeArgs(['in.mp4', ...common, '--fps', '10']);
    assert.deepEqual(a.options.infer, { maxHzPerTrack: 5 });
    assert.deepEqual(s.hub.infer, { maxHzPerTrack: 5 });
    assert.deepEqual(a.options.smooth, { method: 'one-euro' });
    assert.deepEqual(s.hub.smooth, { method: 'one-euro' });
    assert.deepEqual(a.options.detector, { model: 'back', maxFaces: 3 });
    assert.deepEqual(s.hub.detector, { model: 'back', maxFaces: 3 });
    assert.equal(a.options.track, false);
    assert.equal(s.hub.track, false);
    assert.deepEqual(a.options.modelOptions, { maxBatch: 4 });
    assert.deepEqual(s.modelOptions, { maxBatch: 4 });
    assert.deepEqual(a.options.source, { fps: 10 });
    assert.deepEqual(s.source, { fps: 10 });
  });

  it('has command-specific defaults and options', () => {
    const a = parseAnalyzeArgs(['in.mp4', '--start', '1.5', '--end', '3', '--events-out', 'ev.csv']);
    assert.deepEqual(a.outputs, ['results.csv']);
    assert.deepEqual(a.options.source, { startMs: 1500, endMs: 3000 });
    assert.deepEqual(a.options.events, {}, '--events-out implies --events');
    assert.deepEqual(a.options.infer, {});
    const s = parseServeArgs(['rtsp://u:p@cam/x', '--ws', ':0']);
    assert.deepEqual(s.outputs, []);
    assert.equal(s.port, 0);
    assert.equal(s.inputs[0]?.sourceId.includes('p@'), false, 'no credentials in the source id');
  });

  it('rejects bad values with a UsageError naming the option', () => {
    for (const [argv, message] of [
      [['in.mp4', '--max-hz', '0'], /--max-hz must be a number >= 0.001/],
      [['in.mp4', '--smooth', 'kalman'], /--smooth must be one of none, ema, one-euro, median/],
      [['in.mp4', '--out', 'x.txt'], /--out must end in .csv or .jsonl/],
      [['in.mp4', '--start', '3', '--end', '2'], /--end must be after --start/],
      [['in.mp4', '--bogus'], /Unknown option '--bogus'/],
    ] as const) {
      assert.throws(
        () => parseAnalyzeArgs(argv),
        (e: Error) => e instanceof UsageError && message.test(e.message),
      );
    }
    assert.throws(() => parseServeArgs(['x.mp4', '--transport', 'sctp']), UsageError);
  });
});
