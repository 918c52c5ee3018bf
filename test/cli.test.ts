/** `auformer analyze` as users run it: a child process, real files, exit codes and signals. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, parseCsv, startCli } from './helpers/cli.js';
import { SAMPLE_FACES, SYSTEM_FFMPEG, makeTempDir, run } from './helpers/media.js';

const start = startCli;

describe('auformer analyze (CLI)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => (temp = await makeTempDir()));
  after(() => temp.cleanup());

  it('writes CSV, JSONL and events for the sample, with a loud untrained-model notice', async () => {
    const csv = join(temp.dir, 'r.csv');
    const jsonl = join(temp.dir, 'r.jsonl');
    const events = join(temp.dir, 'ev.csv');
    const run = await cli([
      'analyze',
      SAMPLE_FACES,
      '--fps',
      '5',
      '--max-width',
      '640',
      '--out',
      csv,
      '--out',
      jsonl,
      '--smooth',
      'ema',
      '--events-out',
      events,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /UNTRAINED/);
    assert.match(run.stderr, /done: 30 frames \(30 with faces\), 30 faces, 1 tracks/);
    const rows = parseCsv(await readFile(csv, 'utf8'));
    assert.equal(rows.length, 30);
    assert.deepEqual(
      rows.map((r) => Number(r['frame'])),
      rows.map((_, i) => i + 1),
    );
    assert.deepEqual(
      rows.slice(0, 3).map((r) => Number(r['pts_ms'])),
      [0, 200, 400],
    );
    assert.ok(rows.every((r) => r['face_id'] === '1' && r['success'] === '1'));
    assert.ok(
      rows.every((r) => Number(r['AU12_s']) > 0 && Number(r['AU12_s']) < 1),
      'smoothed column',
    );
    const lines = (await readFile(jsonl, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines[0]!['type'], 'header');
    // The header describes the frames as decoded: 1280x720 downscaled to 640 wide.
    const [source] = lines[0]!['sources'] as {
      sourceId: string;
      kind: string;
      width: number;
      height: number;
    }[];
    assert.deepEqual(
      { sourceId: source!.sourceId, kind: source!.kind, width: source!.width, height: source!.height },
      { sourceId: SAMPLE_FACES, kind: 'file', width: 640, height: 360 },
    );
    assert.deepEqual((lines[0]!['options'] as { smoothing: { method: string } }).smoothing.method, 'ema');
    assert.equal(lines.filter((l) => l['type'] === 'frame').length, 30);
    const eventRows = parseCsv(await readFile(events, 'utf8'));
    assert.equal(eventRows.length, lines.filter((l) => l['type'] === 'event').length);
  });

  it('exits 2 with usage on bad arguments and 1 with a coded error on a missing file', async () => {
    const usage = await cli(['analyze', SAMPLE_FACES, '--smooth', 'wobbly']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--smooth must be one of none, ema, one-euro, median/);
    const missing = await cli(['analyze', '/no/such/clip.mp4', '--out', join(temp.dir, 'x.csv')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /error AUF_ERR_FILE_NOT_FOUND/);
    const badModel = await cli([
      'analyze',
      SAMPLE_FACES,
      '--model',
      SAMPLE_FACES,
      '--out',
      join(temp.dir, 'y.csv'),
    ]);
    assert.equal(badModel.code, 1);
    assert.match(badModel.stderr, /error AUF_ERR_MODEL_LOAD/);
  });

  it('on SIGINT flushes every row computed so far and exits 130', async () => {
    const csv = join(temp.dir, 'interrupted.csv');
    // 30 s of video (the sample looped), so the run cannot finish before the signal lands.
    const long = join(temp.dir, 'long.mp4');
    await run(SYSTEM_FFMPEG, ['-v', 'error', '-stream_loop', '4', '-i', SAMPLE_FACES, '-c', 'copy', long]);
    const { child, done } = start(['analyze', long, '--out', csv]);
    // Interrupt once the progress line shows frames being processed.
    await new Promise<void>((resolve) => {
      const onData = (d: Buffer): void => {
        if (/\d+ frames {2}\d+ faces/.test(d.toString())) {
          child.stderr?.off('data', onData);
          resolve();
        }
      };
      child.stderr?.on('data', onData);
    });
    child.kill('SIGINT');
    const result = await done;
    assert.equal(result.code, 130, result.stderr);
    const summary = /interrupted: (\d+) frames/.exec(result.stderr);
    assert.ok(summary, result.stderr);
    const rows = parseCsv(await readFile(csv, 'utf8'));
    assert.equal(rows.length, Number(summary[1]), 'every frame counted was written');
    assert.ok(rows.length > 0 && rows.length < 900);
  });
});
