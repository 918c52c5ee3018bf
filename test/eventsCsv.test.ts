/**
 * toEventsCsv and the shared line-buffered writer (openLineFile) on real files: rows and
 * values, nothing lost on unsubscribe (SIGINT) or error, unwritable paths as SinkError.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { concat, from, lastValueFrom, Subject, throwError, toArray } from 'rxjs';
import { SinkError } from '../src/errors.js';
import { openLineFile } from '../src/sinks/lineFile.js';
import { toEventsCsv } from '../src/sinks/toEventsCsv.js';
import type { AnalysisRecord, AUEvent, FrameResult } from '../src/types/result.js';

const dir = mkdtempSync(join(tmpdir(), 'auf-events-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HEADER =
  'source_id,track_id,au,start_ms,end_ms,duration_ms,start_frame,end_frame,peak_ms,peak_probability';

const ev = (trackId: number, au: string, startMs: number, endMs: number, sourceId = 'clip.mp4'): AUEvent => ({
  type: 'event',
  sourceId,
  trackId,
  au,
  startMs,
  endMs,
  startIndex: Math.floor(startMs / 100),
  endIndex: Math.floor(endMs / 100),
  peakMs: (startMs + endMs) / 2,
  peakProbability: 0.876543,
});

const frame: FrameResult = {
  type: 'frame',
  sourceId: 'clip.mp4',
  index: 0,
  ptsMs: 0,
  capturedAtMs: 0,
  width: 1,
  height: 1,
  status: 'no-face',
  faces: [],
};

const read = (path: string): string[] => readFileSync(path, 'utf8').split('\n');

describe('toEventsCsv', () => {
  it('writes one row per event, rounded and quoted, and passes every record through', async () => {
    const path = join(dir, 'events.csv');
    const records: AnalysisRecord[] = [
      frame,
      ev(1, 'AU12', 1200, 2533.3333333),
      ev(2, 'AU04', 0, 100, 'cam "A", door'),
    ];
    const out = await lastValueFrom(from(records).pipe(toEventsCsv(path), toArray()));
    assert.deepEqual(out, records);
    assert.deepEqual(read(path), [
      HEADER,
      'clip.mp4,1,AU12,1200,2533.333,1333.333,13,26,1866.667,0.87654',
      '"cam ""A"", door",2,AU04,0,100,100,1,2,50,0.87654',
      '',
    ]);
  });

  // Regression: duration_ms was rounded from the raw difference, so one-frame episodes at 30 fps
  // read 33.333 or 33.334 against start and end columns that differed by the other value.
  it('writes duration_ms as end_ms - start_ms of the rounded times', async () => {
    const path = join(dir, 'rounding.csv');
    const records = [ev(1, 'AU12', 100 / 3, 200 / 3), ev(1, 'AU12', 200 / 3, 100)];
    await lastValueFrom(from(records).pipe(toEventsCsv(path)));
    for (const row of read(path).slice(1, 3)) {
      const [start, end, duration] = row.split(',').slice(3, 6).map(Number);
      assert.equal(duration, Number((end! - start!).toFixed(3)), row);
    }
    assert.deepEqual(
      read(path)
        .slice(1, 3)
        .map((r) => r.split(',')[5]),
      ['33.334', '33.333'],
    );
  });

  it('keeps every emitted event when unsubscribed mid-stream (SIGINT) and writes the header when empty', async () => {
    const path = join(dir, 'interrupted.csv');
    const input = new Subject<AnalysisRecord>();
    const sub = input.pipe(toEventsCsv(path, { flushEveryLines: 100 })).subscribe();
    input.next(ev(1, 'AU01', 0, 10));
    input.next(ev(1, 'AU02', 5, 15));
    assert.deepEqual(read(path), [''], 'buffered, not yet written');
    sub.unsubscribe();
    assert.deepEqual(read(path).length, 4);
    assert.equal(read(path)[2], 'clip.mp4,1,AU02,5,15,10,1,1,10,0.87654');

    const empty = join(dir, 'empty.csv');
    await lastValueFrom(from([frame]).pipe(toEventsCsv(empty)));
    assert.deepEqual(read(empty), [HEADER, '']);
  });

  it('keeps the events written before an upstream error and forwards the error', async () => {
    const path = join(dir, 'failed.csv');
    const failure = new Error('boom');
    await assert.rejects(
      lastValueFrom(
        concat(
          from([ev(3, 'AU12', 0, 1)]),
          throwError(() => failure),
        ).pipe(toEventsCsv(path)),
      ),
      (e: unknown) => e === failure,
    );
    assert.equal(read(path)[1], 'clip.mp4,3,AU12,0,1,1,1,1,0.5,0.87654');
  });

  it('fails with SinkError (AUF_ERR_SINK_WRITE) at subscribe time for an unwritable path', async () => {
    const path = join(dir, 'no-such-dir', 'events.csv');
    await assert.rejects(
      lastValueFrom(from([frame]).pipe(toEventsCsv(path))),
      (e: unknown) => e instanceof SinkError && e.code === 'AUF_ERR_SINK_WRITE' && e.message.includes(path),
    );
    assert.throws(() => toEventsCsv(path, { flushEveryLines: 0 }), /flushEveryLines/);
  });
});

describe('openLineFile', () => {
  it('writes every flushEveryLines lines, on flush and on close; close is idempotent', () => {
    const path = join(dir, 'lines.txt');
    const file = openLineFile(path, { flushEveryLines: 2 });
    file.write('a');
    assert.equal(readFileSync(path, 'utf8'), '');
    file.write('b');
    assert.equal(readFileSync(path, 'utf8'), 'a\nb\n');
    file.write('c');
    file.flush();
    assert.equal(readFileSync(path, 'utf8'), 'a\nb\nc\n');
    file.write('d');
    file.close();
    file.close();
    assert.equal(readFileSync(path, 'utf8'), 'a\nb\nc\nd\n');
    assert.throws(
      () => file.write('e'),
      (e: unknown) => e instanceof SinkError && /closed/.test(e.message),
    );
  });
});
