import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { concat, from, lastValueFrom, NEVER, Subject, throwError, toArray } from 'rxjs';
import { OptionError, SinkError } from '../src/errors.js';
import type { JsonLinesHeader } from '../src/sinks/jsonLinesHeader.js';
import { roundTo } from '../src/sinks/roundRecord.js';
import { toJsonLines } from '../src/sinks/toJsonLines.js';
import type { SourceInfo } from '../src/types/frame.js';
import type { ModelCard } from '../src/types/model.js';
import type { AnalysisRecord, AUEvent, FrameResult } from '../src/types/result.js';

const dir = mkdtempSync(join(tmpdir(), 'auf-jsonl-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const outPath = (): string => join(dir, `out-${files++}.jsonl`);

const model: ModelCard = {
  name: 'auformer-tiny',
  version: '0.1.0',
  auNames: ['AU01', 'AU12'],
  inputWidth: 64,
  inputHeight: 64,
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
  keypointSource: 'blazeface',
  alignmentTemplate: [
    { x: 22, y: 25 },
    { x: 42, y: 25 },
    { x: 32, y: 36 },
    { x: 32, y: 47 },
  ],
  thresholds: [0.5, 0.5],
  trainingData: 'none',
  licence: 'Apache-2.0',
  description: 'untrained test model',
  untrained: true,
};
const sources: SourceInfo[] = [
  { sourceId: 'clip.mp4', kind: 'file', durationMs: 2000, fps: 30, width: 640, height: 480 },
];

const frame0: FrameResult = {
  type: 'frame',
  sourceId: 'clip.mp4',
  index: 0,
  ptsMs: 33.3666667,
  capturedAtMs: 1_700_000_000_000.25,
  width: 640,
  height: 480,
  status: 'ok',
  faces: [
    {
      trackId: 3,
      box: { x: 10.26, y: 20.04, width: 100.55, height: 120 },
      score: 0.987654321,
      keypoints: [{ x: 30.123, y: 40.987 }],
      aus: { AU01: 0.123456789, AU12: 0.999996 },
      smoothed: { AU01: 0.111111111, AU12: 0.5 },
      active: { AU01: false, AU12: true },
      held: true,
    },
  ],
};
const frame1: FrameResult = { ...frame0, index: 1, ptsMs: 66.7, status: 'no-face', faces: [] };
const event: AUEvent = {
  type: 'event',
  sourceId: 'clip.mp4',
  trackId: 3,
  au: 'AU12',
  startMs: 0.0004,
  endMs: 66.70001,
  startIndex: 0,
  endIndex: 1,
  peakMs: 33.3666667,
  peakProbability: 0.9876543,
};
const records: AnalysisRecord[] = [frame0, event, frame1];

function readLines(path: string): unknown[] {
  const text = readFileSync(path, 'utf8');
  assert.ok(text.endsWith('\n'));
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
}

void describe('toJsonLines', () => {
  void it('writes the header, then every frame and event in order, rounded', async () => {
    const path = outPath();
    const before = structuredClone(records);
    const header = {
      model,
      sources,
      options: { smoothing: 'ema 0.3' },
      createdAt: '2025-01-31T12:00:00.000Z',
    };
    const out = await lastValueFrom(from(records).pipe(toJsonLines(path, { header }), toArray()));
    out.forEach((r, i) => assert.equal(r, records[i], 'records pass through unchanged'));
    assert.deepEqual(records, before, 'input records are not mutated');

    const [head, f0, ev, f1, ...rest] = readLines(path);
    assert.equal(rest.length, 0);
    const expectedHeader: JsonLinesHeader = {
      type: 'header',
      schemaVersion: 1,
      createdAt: '2025-01-31T12:00:00.000Z',
      model,
      sources,
      options: { smoothing: 'ema 0.3' },
    };
    assert.deepEqual(head, expectedHeader);
    assert.deepEqual(f0, {
      ...frame0,
      ptsMs: 33.367,
      capturedAtMs: 1_700_000_000_000.25,
      faces: [
        {
          trackId: 3,
          box: { x: 10.3, y: 20, width: 100.6, height: 120 },
          score: 0.98765,
          keypoints: [{ x: 30.1, y: 41 }],
          aus: { AU01: 0.12346, AU12: 1 },
          smoothed: { AU01: 0.11111, AU12: 0.5 },
          active: { AU01: false, AU12: true },
          held: true,
        },
      ],
    });
    assert.deepEqual(ev, { ...event, startMs: 0, endMs: 66.7, peakMs: 33.367, peakProbability: 0.98765 });
    assert.deepEqual(f1, { ...frame1, ptsMs: 66.7, capturedAtMs: 1_700_000_000_000.25 });
  });

  void it('asks a header function once, when the first record arrives, and stamps createdAt', async () => {
    const path = outPath();
    const input = new Subject<AnalysisRecord>();
    let calls = 0;
    let opened: SourceInfo[] = [];
    const header = (): { model: ModelCard; sources: SourceInfo[] } => {
      calls++;
      return { model, sources: opened };
    };
    const done = lastValueFrom(input.pipe(toJsonLines(path, { header })));
    opened = sources; // known only after subscribe, like a probed file
    assert.equal(calls, 0);
    input.next(frame0);
    input.next(frame1);
    input.complete();
    await done;
    assert.equal(calls, 1);
    const [head] = readLines(path) as [JsonLinesHeader];
    assert.deepEqual(head.sources, sources);
    assert.equal(head.options, undefined);
    assert.match(head.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(head.createdAt) - Date.now()) < 60_000);
  });

  void it('writes only the header for an empty run', async () => {
    const path = outPath();
    await lastValueFrom(
      from([] as AnalysisRecord[]).pipe(toJsonLines(path, { header: { model, sources } })),
      {
        defaultValue: undefined,
      },
    );
    const lines = readLines(path) as JsonLinesHeader[];
    assert.deepEqual(
      lines.map((l) => l.type),
      ['header'],
    );
  });

  void it('keeps full precision when round is false', async () => {
    const path = outPath();
    await lastValueFrom(from([frame0]).pipe(toJsonLines(path, { header: { model, sources }, round: false })));
    assert.deepEqual(readLines(path)[1], frame0);
  });

  void it('keeps the lines written before an upstream error and propagates that error', async () => {
    const path = outPath();
    const boom = new Error('model failed');
    const source = concat(
      from(records),
      throwError(() => boom),
    );
    const sink = toJsonLines(path, { header: { model, sources }, flushEveryLines: 1000 });
    await assert.rejects(lastValueFrom(source.pipe(sink)), (e) => e === boom);
    assert.equal(readLines(path).length, 1 + records.length);
  });

  void it('keeps every line on unsubscribe (the SIGINT path)', () => {
    const path = outPath();
    const input = new Subject<AnalysisRecord>();
    const sub = input
      .pipe(toJsonLines(path, { header: { model, sources }, flushEveryLines: 1000 }))
      .subscribe();
    input.next(frame0);
    input.next(event);
    assert.equal(readFileSync(path, 'utf8'), '', 'buffered until flush');
    sub.unsubscribe();
    assert.equal(input.observed, false);
    const types = readLines(path).map((l) => (l as { type: string }).type);
    assert.deepEqual(types, ['header', 'frame', 'event']);
  });

  void it('fails at subscribe time with AUF_ERR_SINK_WRITE for a missing directory', () => {
    let error: unknown;
    const path = join(dir, 'no-such-dir', 'out.jsonl');
    NEVER.pipe(toJsonLines(path, { header: { model, sources } }))
      .subscribe({ error: (e: unknown) => (error = e) })
      .unsubscribe();
    assert.ok(error instanceof SinkError);
    assert.equal(error.code, 'AUF_ERR_SINK_WRITE');
    assert.ok(error.message.includes(path));
  });

  void it('throws OptionError for a missing header or bad flushEveryLines', () => {
    const noHeader = { header: undefined } as unknown as Parameters<typeof toJsonLines>[1];
    assert.throws(
      () => toJsonLines(outPath(), noHeader),
      (e) => e instanceof OptionError && /header/.test(e.message),
    );
    assert.throws(
      () => toJsonLines(outPath(), { header: { model, sources }, flushEveryLines: 1.5 }),
      /flushEveryLines/,
    );
  });

  void it('rounds to the nearest decimal without float noise or negative zero', () => {
    assert.equal(String(roundTo(0.1 + 0.2, 5)), '0.3');
    assert.equal(roundTo(1.005, 1), 1);
    assert.equal(roundTo(2.25, 1), 2.3);
    assert.ok(Object.is(roundTo(-0.000001, 3), 0));
    assert.ok(Number.isNaN(roundTo(Number.NaN, 3)));
  });
});
