import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { concat, from, lastValueFrom, NEVER, Subject, throwError, toArray } from 'rxjs';
import { OptionError, SinkError } from '../src/errors.js';
import { toCsv } from '../src/sinks/toCsv.js';
import type { AnalysisRecord, AUEvent, FaceResult, FrameResult } from '../src/types/result.js';

const dir = mkdtempSync(join(tmpdir(), 'auf-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const outPath = (): string => join(dir, `out-${files++}.csv`);

/** RFC 4180 parser: quoted cells may hold commas, doubled quotes and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  assert.equal(cell + row.join(''), '', 'file must end with a newline');
  return rows;
}

/** Rows as objects keyed by the header line. */
function readCsv(path: string): { columns: string[]; rows: Record<string, string>[] } {
  const [columns, ...rest] = parseCsv(readFileSync(path, 'utf8'));
  assert.ok(columns);
  for (const r of rest) assert.equal(r.length, columns.length, `row width: ${r.join(',')}`);
  return { columns, rows: rest.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? '']))) };
}

const AUS = ['AU01', 'AU12'];
const SOURCE = 'cam "north", door 2';

function face(trackId: number, over: Partial<FaceResult> = {}): FaceResult {
  return {
    trackId,
    box: { x: 10.26, y: 20.04, width: 100.55, height: 120 },
    score: 0.987654321,
    keypoints: [0, 1, 2, 3, 4, 5].map((k) => ({ x: 30 + k + 0.123, y: 40 + k + 0.987 })),
    aus: { AU01: 0.123456789, AU12: 0.5 },
    ...over,
  };
}

function frame(index: number, faces: FaceResult[], over: Partial<FrameResult> = {}): FrameResult {
  return {
    type: 'frame',
    sourceId: SOURCE,
    index,
    ptsMs: index * 33.3666667,
    capturedAtMs: 1_700_000_000_000 + index,
    width: 640,
    height: 480,
    status: faces.length > 0 ? 'ok' : 'no-face',
    faces,
    ...over,
  };
}

const event: AUEvent = {
  type: 'event',
  sourceId: SOURCE,
  trackId: 0,
  au: 'AU12',
  startMs: 0,
  endMs: 66.7,
  startIndex: 0,
  endIndex: 1,
  peakMs: 33.4,
  peakProbability: 0.9,
};

const records: AnalysisRecord[] = [
  frame(0, [face(0), face(7, { held: true, aus: { AU01: 0.75, AU12: 0.49999 }, active: { AU01: false } })]),
  event,
  frame(1, []),
  frame(2, [face(0, { aus: { AU01: 0.2 } })]),
];

void describe('toCsv', () => {
  void it('writes OpenFace leading columns, then source, box, keypoints and per-AU _p/_c columns', async () => {
    const path = outPath();
    await lastValueFrom(from(records).pipe(toCsv(path, { auNames: AUS })));
    const { columns, rows } = readCsv(path);
    assert.deepEqual(columns.slice(0, 13), [
      'frame',
      'face_id',
      'timestamp',
      'confidence',
      'success',
      'source_id',
      'pts_ms',
      'status',
      'held',
      'face_x',
      'face_y',
      'face_w',
      'face_h',
    ]);
    assert.deepEqual(columns.slice(13, 17), [
      'kp_right_eye_x',
      'kp_right_eye_y',
      'kp_left_eye_x',
      'kp_left_eye_y',
    ]);
    assert.deepEqual(columns.slice(-4), ['AU01_p', 'AU12_p', 'AU01_c', 'AU12_c']);
    assert.equal(columns.length, 13 + 12 + 4);

    assert.equal(rows.length, 4, 'two faces, one faceless frame, one face; no event row');
    const [a, b, none, last] = rows as [
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
    ];
    assert.deepEqual(
      [a.frame, a.face_id, a.timestamp, a.confidence, a.success, a.source_id, a.pts_ms, a.status, a.held],
      ['1', '0', '0', '0.98765', '1', SOURCE, '0', 'ok', '0'],
    );
    assert.deepEqual([a.face_x, a.face_y, a.face_w, a.face_h], ['10.3', '20', '100.6', '120']);
    assert.deepEqual([a.kp_right_eye_x, a.kp_right_eye_y, a.kp_left_ear_tragion_x], ['30.1', '41', '35.1']);
    assert.deepEqual([a.AU01_p, a.AU12_p, a.AU01_c, a.AU12_c], ['0.12346', '0.5', '0', '1']);

    // active flags win over the threshold; AUs without a flag fall back to p >= 0.5
    assert.deepEqual(
      [b.frame, b.face_id, b.held, b.AU01_p, b.AU01_c, b.AU12_p, b.AU12_c],
      ['1', '7', '1', '0.75', '0', '0.49999', '0'],
    );

    assert.deepEqual(
      [none.frame, none.face_id, none.timestamp, none.confidence, none.success, none.status, none.pts_ms],
      ['2', '-1', '0.033', '0', '0', 'no-face', '33.367'],
    );
    for (const col of columns.slice(8)) assert.equal(none[col], '', `faceless frame leaves ${col} empty`);

    assert.deepEqual(
      [last.frame, last.timestamp, last.AU01_p, last.AU01_c, last.AU12_p, last.AU12_c],
      ['3', '0.067', '0.2', '0', '', ''],
    );
  });

  void it('passes every record through unchanged, events included', async () => {
    const out = await lastValueFrom(from(records).pipe(toCsv(outPath(), { auNames: AUS }), toArray()));
    assert.equal(out.length, records.length);
    out.forEach((r, i) => assert.equal(r, records[i]));
  });

  void it('adds AUxx_s columns when smoothed, and uses the given thresholds', async () => {
    const path = outPath();
    const smoothedFace = face(0, { smoothed: { AU01: 0.3333333, AU12: 0.6 } });
    await lastValueFrom(
      from([frame(4, [smoothedFace])]).pipe(
        toCsv(path, { auNames: AUS, smoothed: true, thresholds: [0.1, 0.9] }),
      ),
    );
    const { columns, rows } = readCsv(path);
    assert.deepEqual(columns.slice(-2), ['AU01_s', 'AU12_s']);
    assert.deepEqual(
      [rows[0]?.AU01_s, rows[0]?.AU12_s, rows[0]?.AU01_c, rows[0]?.AU12_c],
      ['0.33333', '0.6', '1', '0'],
    );
    assert.equal(rows[0]?.frame, '5');
  });

  void it('keeps the rows written before an upstream error and propagates that error', async () => {
    const path = outPath();
    const boom = new Error('decoder broke');
    const source = concat(
      from(records),
      throwError(() => boom),
    );
    await assert.rejects(
      lastValueFrom(source.pipe(toCsv(path, { auNames: AUS, flushEveryLines: 1000 }))),
      (e) => e === boom,
    );
    assert.equal(readCsv(path).rows.length, 4);
  });

  void it('keeps every row on unsubscribe (the SIGINT path) and stops listening upstream', () => {
    const path = outPath();
    const input = new Subject<AnalysisRecord>();
    const sub = input.pipe(toCsv(path, { auNames: AUS, flushEveryLines: 1000 })).subscribe();
    for (let i = 0; i < 5; i++) input.next(frame(i, [face(0)]));
    assert.equal(readFileSync(path, 'utf8'), '', 'buffered until flush');
    sub.unsubscribe();
    assert.equal(input.observed, false);
    const { rows } = readCsv(path);
    assert.deepEqual(
      rows.map((r) => r.frame),
      ['1', '2', '3', '4', '5'],
    );
  });

  void it('completes only after the file is closed with every row in it', async () => {
    const path = outPath();
    let atComplete = '';
    const source = from(records).pipe(toCsv(path, { auNames: AUS, flushEveryLines: 1000 }));
    await new Promise<void>((resolve, reject) =>
      source.subscribe({
        error: reject,
        complete: () => ((atComplete = readFileSync(path, 'utf8')), resolve()),
      }),
    );
    assert.equal(parseCsv(atComplete).length, 5);
  });

  void it('fails at subscribe time with AUF_ERR_SINK_WRITE for an unwritable path', () => {
    for (const path of [join(dir, 'missing-dir', 'out.csv'), dir]) {
      let error: unknown;
      NEVER.pipe(toCsv(path, { auNames: AUS }))
        .subscribe({ error: (e: unknown) => (error = e) })
        .unsubscribe();
      assert.ok(error instanceof SinkError, `${path}: ${String(error)}`);
      assert.equal(error.code, 'AUF_ERR_SINK_WRITE');
      assert.match(error.message, /directory|permissions|another output path/);
    }
  });

  void it('turns a write failure (disk full) into SinkError and unsubscribes upstream', () => {
    const input = new Subject<AnalysisRecord>();
    let error: unknown;
    input
      .pipe(toCsv('/dev/full', { auNames: AUS, flushEveryLines: 1 }))
      .subscribe({ error: (e: unknown) => (error = e) });
    input.next(frame(0, [face(0)]));
    assert.ok(error instanceof SinkError);
    assert.equal(error.code, 'AUF_ERR_SINK_WRITE');
    assert.match(error.message, /ENOSPC/);
    assert.equal(input.observed, false);
  });

  void it('throws OptionError naming the option for bad options', () => {
    assert.throws(
      () => toCsv(outPath(), { auNames: [] }),
      (e) => e instanceof OptionError && /auNames/.test(e.message),
    );
    assert.throws(() => toCsv(outPath(), { auNames: ['AU01', 'AU01'] }), /auNames must be unique/);
    assert.throws(() => toCsv(outPath(), { auNames: AUS, thresholds: [0.5] }), /thresholds/);
    assert.throws(() => toCsv(outPath(), { auNames: AUS, flushEveryLines: 0 }), /flushEveryLines/);
    assert.throws(() => toCsv('', { auNames: AUS }), /path/);
  });
});
