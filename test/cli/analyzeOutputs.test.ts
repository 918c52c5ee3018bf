/**
 * `auformer analyze` rough edges found by a new user, each pinned by a regression test: events
 * with CSV outputs only, whole-number options, the closing lines of a failed run, a folder
 * without images, the embedded-ffmpeg warning, `--sample`, `--summary` and `--csv-style openface`.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, parseCsv } from '../helpers/cli.js';
import { makeTempDir, makeTruncatedMp4 } from '../helpers/media.js';

describe('auformer analyze outputs', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => (temp = await makeTempDir()));
  after(() => temp.cleanup());

  // Regression: --events with only CSV outputs counted events and wrote them nowhere.
  it('--events with CSV outputs only writes the episodes beside the first CSV', async () => {
    const csv = join(temp.dir, 'only.csv');
    const run = await cli(['analyze', '--sample', '--fps', '5', '--events', '--out', csv, '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    const counted = Number(/(\d+) events in/.exec(run.stderr)?.[1]);
    assert.ok(counted > 0, run.stderr);
    const events = parseCsv(await readFile(join(temp.dir, 'only.events.csv'), 'utf8'));
    assert.equal(events.length, counted, 'every counted event is in the file');
    assert.match(run.stderr, /results: .*only\.csv, .*only\.events\.csv/);
    // Episodes join the per-frame CSV: their frames exist there and lie inside [start, end).
    const frames = new Map(
      parseCsv(await readFile(csv, 'utf8')).map((r) => [r['frame'], Number(r['pts_ms'])]),
    );
    for (const e of events) {
      assert.equal(frames.get(e['start_frame']), Number(e['start_ms']));
      assert.ok(Number(e['end_ms']) > frames.get(e['end_frame'])!, 'ends after its last frame starts');
    }
  });

  it('rejects fractional counts (--max-faces 2.5) with a usage error', async () => {
    for (const [flag, value] of [
      ['--max-faces', '2.5'],
      ['--batch', '1.5'],
      ['--threads', '2.5'],
    ] as const) {
      const run = await cli(['analyze', '--sample', flag, value]);
      assert.equal(run.code, 2, `${flag} ${value}`);
      assert.match(run.stderr, new RegExp(`${flag} must be a whole number`));
    }
  });

  // Regression: a failed run printed "results: <path>" as if it had finished.
  it('a failed run names its files as partial results and exits 1', async () => {
    const broken = await makeTruncatedMp4(temp.dir);
    const run = await cli(['analyze', broken, '--out', join(temp.dir, 'broken.csv'), '--quiet']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /partial results, up to the error: .*broken\.csv/);
    assert.doesNotMatch(run.stderr, /^results:/m);
    assert.match(run.stderr, /auformer: error AUF_ERR_DECODE/);
  });

  // Regression: a folder without images was AUF_ERR_FILE_NOT_FOUND.
  it('a folder without images fails with AUF_ERR_NO_IMAGES', async () => {
    const empty = join(temp.dir, 'no-images');
    await mkdir(empty);
    const run = await cli(['analyze', empty, '--out', join(temp.dir, 'none.csv')]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /error AUF_ERR_NO_IMAGES: No images/);
  });

  it('warns once per run when it falls back to the embedded 2018 ffmpeg', async () => {
    const noFfmpeg = join(temp.dir, 'empty-path');
    await mkdir(noFfmpeg);
    const args = ['analyze', '--sample', '--fps', '2', '--out', join(temp.dir, 'embedded.csv'), '--quiet'];
    const embedded = await cli(args, { PATH: noFfmpeg, FFMPEG_PATH: '' });
    assert.equal(embedded.code, 0, embedded.stderr);
    assert.equal(embedded.stderr.match(/AUF_WARN_EMBEDDED_FFMPEG/g)?.length, 1, embedded.stderr);
    assert.match(embedded.stderr, /FFMPEG_PATH=\/path\/to\/ffmpeg/);
    const system = await cli(args);
    assert.doesNotMatch(system.stderr, /AUF_WARN_EMBEDDED_FFMPEG/);
  });

  it('--summary writes one row per track and the JSONL ends with the same summary', async () => {
    const tracks = join(temp.dir, 'tracks.csv');
    const jsonl = join(temp.dir, 'summary.jsonl');
    const run = await cli([
      'analyze',
      '--sample',
      '--fps',
      '5',
      '--events',
      '--summary',
      tracks,
      '--out',
      jsonl,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const [row, ...more] = parseCsv(await readFile(tracks, 'utf8'));
    assert.equal(more.length, 0, 'one face, one track');
    assert.deepEqual(
      [row!['track_id'], row!['frames'], row!['first_pts_ms'], row!['last_pts_ms'], row!['duration_ms']],
      ['1', '30', '0', '5800', '6000'],
    );
    const lines = (await readFile(jsonl, 'utf8')).trim().split('\n');
    const summary = JSON.parse(lines.at(-1)!) as {
      type: string;
      tracks: {
        frames: number;
        aus: Record<string, { mean: number; max: number; activePct: number; episodes: number }>;
      }[];
    };
    assert.equal(summary.type, 'summary');
    const frames = lines.map(
      (l) => JSON.parse(l) as { type: string; faces?: { aus: Record<string, number> }[] },
    );
    const au12 = frames.filter((f) => f.type === 'frame').map((f) => f.faces![0]!.aus['AU12']!);
    const mean = au12.reduce((a, b) => a + b, 0) / au12.length;
    const stats = summary.tracks[0]!.aus['AU12']!;
    assert.ok(Math.abs(stats.mean - mean) < 1e-4, `mean ${stats.mean} vs ${mean}`);
    assert.equal(stats.max, Math.max(...au12));
    assert.equal(Number(row!['AU12_mean']), stats.mean);
    const episodes = frames.filter(
      (f) => f.type === 'event' && (f as unknown as { au: string }).au === 'AU12',
    );
    assert.equal(stats.episodes, episodes.length);
    assert.equal(Number(row!['AU12_episodes']), episodes.length);
  });

  it('--csv-style openface writes OpenFace 2.2 columns, separators and 0-based face ids', async () => {
    const csv = join(temp.dir, 'openface.csv');
    const run = await cli(['analyze', '--sample', '--fps', '5', '--csv-style', 'openface', '--out', csv]);
    assert.equal(run.code, 0, run.stderr);
    const text = await readFile(csv, 'utf8');
    const header = text.split('\n')[0]!;
    // OpenFace's order: pose and the 68 2-D landmarks (from the face mesh) come before the AUs.
    assert.match(
      header,
      /^frame, face_id, timestamp, confidence, success, pose_Rx, pose_Ry, pose_Rz, x_0, x_1, /,
    );
    assert.match(header, /, x_67, y_0, .*, y_67, AU01_c, AU02_c, AU04_c, /);
    assert.doesNotMatch(header, /_r\b|_p\b|source_id/);
    const rows = parseCsv(text, ', ');
    assert.equal(rows.length, 30);
    assert.deepEqual(
      rows.slice(0, 2).map((r) => [r['frame'], r['face_id'], r['timestamp'], r['success']]),
      [
        ['1', '0', '0', '1'],
        ['2', '0', '0.2', '1'],
      ],
    );
    assert.ok(rows.every((r) => r['AU12_c'] === '0' || r['AU12_c'] === '1'));
    assert.ok(rows.every((r) => Math.abs(Number(r['pose_Rz'])) < Math.PI && Number(r['x_8']) > 0));
    const bad = await cli(['analyze', '--sample', '--csv-style', 'excel']);
    assert.equal(bad.code, 2);
    assert.ok((await stat(csv)).size > 0);
  });
});
