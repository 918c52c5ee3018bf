/**
 * PreviewEncoder on real ffmpeg: one JPEG per `everyMs` per source, of the advertised size and
 * the frame's colours, the encoded frame retained (frame lease) until ffmpeg has read it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { firstValueFrom, take, toArray } from 'rxjs';
import { OptionError } from '../src/errors.js';
import { thumbnailSize } from '../src/ffmpeg/jpegArgs.js';
import { PreviewEncoder } from '../src/hub/PreviewEncoder.js';
import { emitLeased } from '../src/operators/frameLease.js';
import type { Frame } from '../src/types/frame.js';
import { waitForNoFfmpeg } from './helpers/media.js';
import { decodeJpeg } from './preview.helpers.js';

/** Left half red (200, 30, 30), right half blue (20, 40, 220). */
function splitFrame(index: number, width = 640, height = 360): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set(x < width / 2 ? [200, 30, 30] : [20, 40, 220], (y * width + x) * 3);
    }
  }
  return { sourceId: 'cam', index, ptsMs: index * 40, capturedAtMs: Date.now(), width, height, data };
}

describe('thumbnailSize', () => {
  test('at most maxWidth wide, aspect kept, even sides, never upscaled', () => {
    assert.deepEqual(thumbnailSize(1280, 720, 320), { width: 320, height: 180 });
    assert.deepEqual(thumbnailSize(640, 480, 320), { width: 320, height: 240 });
    assert.deepEqual(thumbnailSize(200, 101, 320), { width: 200, height: 102 });
    assert.deepEqual(thumbnailSize(1920, 1080, 333), { width: 334, height: 188 });
  });
});

describe('PreviewEncoder', () => {
  test('encodes the offered frame to a JPEG of the advertised size, releasing it after ffmpeg read it', async () => {
    const encoder = new PreviewEncoder({ everyMs: 1000, maxWidth: 160 });
    const first = firstValueFrom(encoder.images);
    let freed = false;
    emitLeased(
      splitFrame(7),
      (f) => encoder.offer('cam', f, 10_000),
      () => (freed = true),
    );
    assert.equal(freed, false, 'retained while ffmpeg reads it');
    // Within everyMs and while busy: skipped (never queued).
    let skippedFreed = false;
    emitLeased(
      splitFrame(8),
      (f) => encoder.offer('cam', f, 10_500),
      () => (skippedFreed = true),
    );
    assert.equal(skippedFreed, true, 'a skipped frame is not retained');
    const image = await first;
    assert.equal(freed, true, 'released once encoded');
    assert.equal(image.sourceId, 'cam');
    assert.equal(image.ptsMs, 7 * 40);
    assert.equal(image.mime, 'image/jpeg');
    assert.deepEqual([image.width, image.height], [160, 90]);
    assert.deepEqual([image.data[0], image.data[1]], [0xff, 0xd8]);
    const rgb = await decodeJpeg(image.data);
    assert.equal(rgb.length, 160 * 90 * 3, 'decodes to the advertised size');
    const at = (x: number, y: number): number[] => [
      ...rgb.subarray((y * 160 + x) * 3, (y * 160 + x) * 3 + 3),
    ];
    const near = (got: number[], want: number[]): boolean => got.every((v, i) => Math.abs(v - want[i]!) < 24);
    assert.ok(near(at(20, 45), [200, 30, 30]), `left is red, got ${at(20, 45).join(',')}`);
    assert.ok(near(at(140, 45), [20, 40, 220]), `right is blue, got ${at(140, 45).join(',')}`);
    encoder.close();
  });

  test('one image per everyMs per source; sources are independent', async () => {
    const encoder = new PreviewEncoder({ everyMs: 1000, maxWidth: 64 });
    const firstTwo = firstValueFrom(encoder.images.pipe(take(2), toArray()));
    encoder.offer('a', splitFrame(0, 128, 72), 0);
    encoder.offer('b', splitFrame(1, 96, 96), 0);
    const early = await firstTwo;
    // Both encodes done: 'a' at +999 ms is too early, at +1000 ms it is due.
    const third = firstValueFrom(encoder.images);
    encoder.offer('a', splitFrame(2, 128, 72), 999);
    encoder.offer('a', splitFrame(3, 128, 72), 1000);
    const got = [...early, await third];
    const summary = got.map((i) => `${i.sourceId}:${i.ptsMs}:${i.width}x${i.height}`).sort();
    assert.deepEqual(summary, ['a:0:64x36', 'a:120:64x36', 'b:40:64x64']);
    encoder.close();
  });

  test('close() stops a running encode and completes images; no ffmpeg is left', async () => {
    const encoder = new PreviewEncoder();
    const all = firstValueFrom(encoder.images.pipe(toArray()));
    encoder.offer('cam', splitFrame(0), 0);
    encoder.close();
    encoder.offer('cam', splitFrame(1), 5000); // ignored after close
    assert.deepEqual(await all, []);
    assert.equal(await waitForNoFfmpeg(), 0);
  });

  test('a failing ffmpeg is counted, not thrown', async () => {
    const encoder = new PreviewEncoder({ ffmpegPath: '/usr/bin/false' });
    encoder.offer('cam', splitFrame(0), 0);
    const until = Date.now() + 5000;
    while (encoder.failures === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    encoder.close();
    assert.equal(encoder.failures, 1);
    assert.match(encoder.lastError ?? '', /\S/);
  });

  test('invalid options throw OptionError naming the option', () => {
    assert.throws(
      () => new PreviewEncoder({ everyMs: 0 }),
      (e) => e instanceof OptionError && /everyMs/.test(e.message),
    );
    assert.throws(() => new PreviewEncoder({ maxWidth: 8.5 }), /maxWidth/);
    assert.throws(() => new PreviewEncoder({ quality: 1 }), /quality/);
  });
});
