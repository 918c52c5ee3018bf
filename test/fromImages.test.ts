import assert from 'node:assert/strict';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lastValueFrom, toArray } from 'rxjs';
import type { MediaError } from '../src/errors.js';
import { fromImages } from '../src/sources/fromImages.js';
import { makeAudioOnly, useTempMediaDir, PHOTOS_DIR, run, SYSTEM_FFMPEG } from './helpers/media.js';

const EMBEDDED = (await import('@ffmpeg-installer/ffmpeg')).default.path;
const PHOTO_SIZES = [
  [1920, 1280],
  [1920, 1367],
  [1920, 1350],
  [1920, 1448],
  [1920, 1398],
  [1920, 1537],
];

describe('fromImages', () => {
  const media = useTempMediaDir();

  it('a folder gives one frame per image, sorted by name, ptsMs = index * intervalMs', async () => {
    const frames = await lastValueFrom(fromImages(PHOTOS_DIR).pipe(toArray()));
    assert.deepEqual(
      frames.map((f) => f.sourceId),
      PHOTO_SIZES.map((_, i) => join(PHOTOS_DIR, `sample${i + 1}.jpg`)),
    );
    assert.deepEqual(
      frames.map((f) => [f.width, f.height]),
      PHOTO_SIZES,
    );
    assert.deepEqual(
      frames.map((f) => f.index),
      [0, 1, 2, 3, 4, 5],
    );
    assert.deepEqual(
      frames.map((f) => f.ptsMs),
      [0, 1000, 2000, 3000, 4000, 5000],
    );
    assert.equal(frames[0]?.data.length, 1920 * 1280 * 3);
  });

  it('decodes exact pixels, natural name order, intervalMs, maxWidth, shared sourceId', async () => {
    const folder = join(media.dir, 'pngs');
    await mkdir(folder);
    for (const [name, colour] of [
      ['img10.png', 'blue'],
      ['img2.png', 'red'],
      ['img1.png', 'lime'],
    ] as const) {
      await run(SYSTEM_FFMPEG, [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        `color=c=${colour}:s=64x32`,
        '-frames:v',
        '1',
        join(folder, name),
      ]);
    }
    await writeFile(join(folder, 'notes.txt'), 'ignored: not an image extension');
    const frames = await lastValueFrom(
      fromImages(folder, { intervalMs: 40, maxWidth: 32, sourceId: 'set' }).pipe(toArray()),
    );
    // PNGs of pure lime, red, blue; ffmpeg's colour conversions may be off by a level or two.
    const firstPixel = (i: number): number[] =>
      [...(frames[i]?.data.subarray(0, 3) ?? [])].map((v) => Math.round(v / 8) * 8);
    assert.deepEqual(
      [firstPixel(0), firstPixel(1), firstPixel(2)],
      [
        [0, 256, 0],
        [256, 0, 0],
        [0, 0, 256],
      ],
    );
    assert.deepEqual(
      frames.map((f) => [f.width, f.height, f.ptsMs, f.sourceId]),
      [
        [32, 16, 0, 'set'],
        [32, 16, 40, 'set'],
        [32, 16, 80, 'set'],
      ],
    );
  });

  it('a list of paths keeps its order; the embedded ffmpeg works too', async () => {
    const paths = [join(PHOTOS_DIR, 'sample3.jpg'), join(PHOTOS_DIR, 'sample1.jpg')];
    const frames = await lastValueFrom(
      fromImages(paths, { ffmpegPath: EMBEDDED, maxWidth: 480 }).pipe(toArray()),
    );
    assert.deepEqual(
      frames.map((f) => [f.sourceId, f.width, f.height]),
      [
        [paths[0], 480, 338],
        [paths[1], 480, 320],
      ],
    );
  });

  it('missing image, non-image file and empty folder give typed errors', async () => {
    const fail = (input: string | string[]): Promise<MediaError> =>
      lastValueFrom(fromImages(input)).then(
        () => assert.fail('should error'),
        (e: MediaError) => e,
      );
    assert.equal((await fail(join(media.dir, 'nope.jpg'))).code, 'AUF_ERR_FILE_NOT_FOUND');
    const fake = join(media.dir, 'fake.jpg');
    await writeFile(fake, 'not a jpeg at all\n'.repeat(50));
    const notImage = await fail([fake]);
    assert.equal(notImage.code, 'AUF_ERR_DECODE', notImage.message);
    assert.match(notImage.message, /not a readable image/);
    const empty = join(media.dir, 'empty-folder');
    await mkdir(empty);
    // Regression: an existing folder without images was reported as AUF_ERR_FILE_NOT_FOUND.
    assert.equal((await fail(empty)).code, 'AUF_ERR_NO_IMAGES');
    // (A .txt file is no good here: ffmpeg's tty demuxer renders text as video.)
    assert.equal((await fail([await makeAudioOnly(media.dir)])).code, 'AUF_ERR_NO_VIDEO_STREAM');
    assert.throws(() => fromImages(media.dir, { intervalMs: 0 }), { message: /"intervalMs"/ });
  });
});
