/** Timeline plots: renderTimeline + encodePng, and 'auformer plot' over a real JSONL file. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { from, lastValueFrom } from 'rxjs';
import { DEFAULT_MODEL_PATH, readModelCard, type FrameResult, type ModelCard } from '../src/index.js';
import { drawText } from '../src/render/bitmapFont.js';
import { encodePng } from '../src/render/encodePng.js';
import { createImage } from '../src/render/rgbImage.js';
import { trackColor } from '../src/render/palette.js';
import { createTimelineCollector } from '../src/report/timelineData.js';
import { renderTimeline, TIMELINE_WIDTH, timelineHeight } from '../src/report/renderTimeline.js';
import { toJsonLines } from '../src/sinks/toJsonLines.js';
import { cli } from './helpers/cli.js';
import { makeTempDir } from './helpers/media.js';

/** Width, height and RGB pixels of a PNG written by encodePng (8-bit RGB, filter 0 rows). */
function decodeOwnPng(png: Buffer): { width: number; height: number; rgb: Buffer } {
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.subarray(at + 4, at + 8).toString('ascii') === 'IDAT')
      idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    raw.copy(rgb, y * width * 3, y * (width * 3 + 1) + 1, (y + 1) * (width * 3 + 1));
  return { width, height, rgb };
}

const countColour = (rgb: Buffer, c: readonly number[]): number => {
  let n = 0;
  for (let i = 0; i < rgb.length; i += 3)
    if (rgb[i] === c[0] && rgb[i + 1] === c[1] && rgb[i + 2] === c[2]) n++;
  return n;
};

/** Two tracks over 4 s at 10 fps; track 2 appears at 1 s; AU01 of track 1 rises above 0.5 after 2 s. */
function syntheticResults(card: ModelCard): FrameResult[] {
  return Array.from({ length: 40 }, (_, i): FrameResult => {
    const ptsMs = i * 100;
    const face = (trackId: number, p: number) => ({
      trackId,
      box: { x: 0, y: 0, width: 10, height: 10 },
      score: 0.9,
      keypoints: [],
      aus: Object.fromEntries(card.auNames.map((au, k) => [au, k === 0 ? p : 0.1])),
    });
    const faces = [face(1, ptsMs >= 2000 ? 0.9 : 0.2), ...(ptsMs >= 1000 ? [face(2, 0.3)] : [])];
    return {
      type: 'frame',
      sourceId: 'clip.mp4',
      index: i,
      ptsMs,
      capturedAtMs: 0,
      width: 10,
      height: 10,
      status: 'ok',
      faces,
    };
  });
}

describe('timeline plot', () => {
  let card: ModelCard;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => {
    card = await readModelCard(DEFAULT_MODEL_PATH);
    temp = await makeTempDir();
  });
  after(() => temp.cleanup());

  it('renders one block per track at the documented size, with lines and shaded episodes in the track colour', () => {
    const collector = createTimelineCollector(card.auNames, card.thresholds);
    for (const r of syntheticResults(card)) collector.add(r);
    const data = collector.data();
    assert.deepEqual(
      data.tracks.map((t) => [t.trackId, t.timesMs.length]),
      [
        [1, 40],
        [2, 30],
      ],
    );
    assert.deepEqual(data.tracks[0]!.active[0]!.slice(18, 22), [false, false, true, true]);
    const { width, height, rgb } = decodeOwnPng(encodePng(renderTimeline(data)));
    assert.equal(width, TIMELINE_WIDTH);
    assert.equal(height, timelineHeight(2, card.auNames.length));
    assert.equal(height, 24 + 2 * (56 + 28 * 12));
    assert.ok(countColour(rgb, trackColor(1)) > 1000, 'track 1 lines');
    assert.ok(countColour(rgb, trackColor(2)) > 1000, 'track 2 lines');
    // Track 1, AU01 row: shaded (active) at 3 s, not at 0.5 s. x maps 0..3.9 s onto 96..1176.
    const rowY = 12 + 28 + 4;
    const x = (s: number): number => Math.round(96 + (s / 3.9) * (1200 - 96 - 24));
    const at = (px: number, py: number): number[] => [
      ...rgb.subarray((py * width + px) * 3, (py * width + px) * 3 + 3),
    ];
    const shaded = at(x(3), rowY);
    const plain = at(x(0.5), rowY);
    assert.deepEqual(plain, [250, 250, 250]);
    // 25 % of the track colour over the row background.
    assert.deepEqual(
      shaded,
      trackColor(1).map((c) => Math.round(250 * 0.75 + c * 0.25)),
    );
  });

  // Regression: the font had upper case only (paths and units read wrong) and rows had no scale.
  it('draws lower case as its own glyphs and a 0 / 0.5 / 1 scale on every AU row', () => {
    const glyph = (text: string): string => {
      const image = createImage(12, 8, [255, 255, 255]);
      drawText(image, text, 0, 0, [0, 0, 0]);
      return Buffer.from(image.data).toString('hex');
    };
    assert.notEqual(glyph('a'), glyph('A'));
    assert.notEqual(glyph('ms'), glyph('MS'));
    assert.equal(glyph('\u00e9'), glyph('?'), 'unknown characters draw as ?');
    const collector = createTimelineCollector(card.auNames, card.thresholds);
    for (const r of syntheticResults(card)) collector.add(r);
    const { width, rgb } = decodeOwnPng(encodePng(renderTimeline(collector.data())));
    // Ink in the scale column (between the AU label and the plot) of every AU row of track 1.
    const inkRows = card.auNames.map((_, i) => {
      const top = 12 + 28 + i * 28;
      let ink = 0;
      for (let y = top; y < top + 28; y++) {
        for (let x = 72; x < 96; x++) if (rgb[(y * width + x) * 3] === 40) ink += 1;
      }
      return ink;
    });
    assert.ok(
      inkRows.every((n) => n >= 20),
      `scale ink per row: ${inkRows.join(',')}`,
    );
  });

  it("'auformer plot' draws a JSONL file written by toJsonLines", async () => {
    const jsonl = join(temp.dir, 'results.jsonl');
    const png = join(temp.dir, 'timeline.png');
    await lastValueFrom(
      from(syntheticResults(card)).pipe(toJsonLines(jsonl, { header: { model: card, sources: [] } })),
    );
    const run = await cli(['plot', jsonl, '--out', png]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /2 track\(s\), 12 AUs/);
    const { width, height, rgb } = decodeOwnPng(await readFile(png));
    assert.deepEqual([width, height], [1200, timelineHeight(2, 12)]);
    const distinct = new Set<number>();
    for (let i = 0; i < rgb.length; i += 3) distinct.add((rgb[i]! << 16) | (rgb[i + 1]! << 8) | rgb[i + 2]!);
    assert.ok(distinct.size >= 8, `distinct colours: ${distinct.size}`);
    assert.ok(countColour(rgb, trackColor(2)) > 1000);
  });

  it("'auformer plot' reports a missing file (exit 1) and a missing --out (exit 2)", async () => {
    const missing = await cli(['plot', join(temp.dir, 'nope.jsonl'), '--out', join(temp.dir, 'x.png')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /AUF_ERR_FILE_NOT_FOUND/);
    const usage = await cli(['plot', join(temp.dir, 'nope.jsonl')]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--out <file.png> is required/);
  });

  // Regression: a CSV results file was reported as AUF_ERR_DECODE, as if it were a broken video.
  it("'auformer plot' on a CSV says it is not a JSONL results file", async () => {
    const csv = join(temp.dir, 'results.csv');
    await writeFile(csv, 'frame,face_id,timestamp\n1,1,0\n');
    const run = await cli(['plot', csv, '--out', join(temp.dir, 'csv.png')]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /error AUF_ERR_NOT_RESULTS_FILE: .*is not a JSONL results file.*plot reads the \.jsonl/,
    );
  });
});
