/**
 * The outputs as analysts read them: Debian's pandas (python3-pandas) loads the per-frame CSV in
 * both styles, the JSONL, the track summary and the events CSV with the recipes of
 * docs/output-formats.md; the dtypes and values must be what the docs promise.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { cli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/media.js';

const PYTHON = '/usr/bin/python3';
let temp: Awaited<ReturnType<typeof makeTempDir>>;
before(async () => (temp = await makeTempDir()));
after(() => temp.cleanup());

interface PandasView {
  csv: Record<string, string>;
  csvRows: number;
  csvAU12: number[];
  openface: Record<string, string>;
  openfaceColumns: string[];
  openfaceFaceIds: number[];
  jsonlTypes: string[];
  faces: Record<string, string>;
  jsonlAU12: number[];
  tracks: Record<string, string>;
  trackFrames: number[];
  summaryFrames: number[];
  events: Record<string, string>;
  eventRows: number;
  eventsJoined: number;
  eventStartsMatch: boolean;
}

it('pandas reads every output with the documented dtypes and the same values', async () => {
  const path = (name: string): string => join(temp.dir, name);
  const common = ['analyze', '--sample', '--fps', '5', '--smooth', 'ema', '--events', '--quiet'];
  const main = await cli([...common, '--out', path('r.csv'), '--out', path('r.jsonl')]);
  assert.equal(main.code, 0, main.stderr);
  const extra = await cli([
    ...common,
    ...['--csv-style', 'openface', '--out', path('of.csv'), '--summary', path('tracks.csv')],
    ...['--events-out', path('events.csv')],
  ]);
  assert.equal(extra.code, 0, extra.stderr);
  const files = ['r.csv', 'of.csv', 'r.jsonl', 'tracks.csv', 'events.csv'].map(path);
  const { stdout } = await promisify(execFile)(PYTHON, [
    join(import.meta.dirname, 'read_with_pandas.py'),
    ...files,
  ]);
  const view = JSON.parse(stdout) as PandasView;

  assert.deepEqual(view.csv, {
    ...{ frame: 'int64', face_id: 'int64', timestamp: 'float64', confidence: 'float64', success: 'int64' },
    ...{ pts_ms: 'int64', AU12_p: 'float64', AU12_c: 'int64', AU12_s: 'float64', source_id: 'object' },
  });
  assert.equal(view.csvRows, 30);
  assert.deepEqual(view.openfaceColumns, ['frame', 'face_id', 'timestamp', 'confidence', 'success']);
  assert.deepEqual(view.openface, {
    ...{ frame: 'int64', face_id: 'int64', timestamp: 'float64', success: 'int64', AU12_c: 'int64' },
  });
  assert.deepEqual(view.openfaceFaceIds, [0], 'OpenFace numbers faces from 0');
  assert.deepEqual(view.jsonlTypes, ['event', 'frame', 'header', 'summary']);
  assert.deepEqual(view.faces, {
    ...{ trackId: 'int64', 'aus.AU12': 'float64', 'box.x': 'float64', index: 'int64', ptsMs: 'float64' },
  });
  assert.deepEqual(view.jsonlAU12, view.csvAU12, 'JSONL and CSV hold the same AU values');
  assert.deepEqual(view.tracks, {
    ...{
      track_id: 'int64',
      frames: 'int64',
      duration_ms: 'int64',
      AU12_mean: 'float64',
      AU12_episodes: 'int64',
    },
  });
  assert.deepEqual(view.trackFrames, [30]);
  assert.deepEqual(view.summaryFrames, view.trackFrames);
  assert.deepEqual(view.events, {
    ...{ start_frame: 'int64', end_frame: 'int64', start_ms: 'int64', duration_ms: 'int64' },
  });
  assert.ok(view.eventRows > 0);
  assert.equal(view.eventsJoined, view.eventRows, 'every episode joins its first frame');
  assert.ok(view.eventStartsMatch, 'an episode starts at its first frame');
});
