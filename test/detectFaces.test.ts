/** detectFaces operator with the real BlazeFace back model and real photos. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Observable, firstValueFrom, from, lastValueFrom, Subject, take, toArray } from 'rxjs';
import { FaceDetector } from '../src/detector/FaceDetector.js';
import { MediaError, ModelError, OptionError } from '../src/errors.js';
import { detectFaces } from '../src/operators/detectFaces.js';
import { emitLeased } from '../src/operators/frameLease.js';
import type { Frame } from '../src/types/frame.js';
import type { FrameFaces } from '../src/types/pipeline.js';
import { loadImage, noiseFrame, photoPath } from './detectorPhotos.js';

let photo1: Frame;
let photo4: Frame;
let detector: FaceDetector;

before(async () => {
  photo1 = { ...(await loadImage(photoPath('sample1.jpg'))), index: 0 };
  photo4 = { ...(await loadImage(photoPath('sample4.jpg'))), index: 2 };
  detector = await FaceDetector.create({ model: 'back' });
});
after(() => detector.dispose());

/** A source that emits `frames` through frame leases and logs when each one is freed. */
function leasedSource(frames: readonly Frame[], log: string[]): Observable<Frame> {
  return new Observable<Frame>((subscriber) => {
    for (const frame of frames) {
      emitLeased(
        frame,
        (f) => subscriber.next(f),
        () => log.push(`free ${frame.index}`),
      );
    }
    subscriber.complete();
  });
}

describe('detectFaces', () => {
  it('emits one FrameFaces per frame, in order, including frames without faces', async () => {
    const noise = { ...noiseFrame(640, 360), index: 1 };
    const noise2 = { ...noiseFrame(320, 240, 9), index: 3 };
    const out = await lastValueFrom(
      from([photo1, noise, photo4, noise2]).pipe(detectFaces(detector), toArray()),
    );
    assert.deepEqual(
      out.map((r) => r.frame),
      [photo1, noise, photo4, noise2],
    );
    assert.deepEqual(
      out.map((r) => r.faces.length),
      [3, 0, 4, 0],
    );
    assert.deepEqual((out[2] as FrameFaces).faces, await detector.detect(photo4));
  });

  it('keeps each frame leased until its result is emitted', async () => {
    const log: string[] = [];
    const frames = [photo1, { ...noiseFrame(320, 240), index: 1 }, photo4];
    await new Promise<void>((resolve, reject) => {
      leasedSource(frames, log)
        .pipe(detectFaces(detector))
        .subscribe({ next: (r) => log.push(`out ${r.frame.index}`), error: reject, complete: resolve });
    });
    assert.deepEqual(log, ['out 0', 'free 0', 'out 1', 'free 1', 'out 2', 'free 2']);
  });

  it('frees queued frames on unsubscribe', async () => {
    const log: string[] = [];
    const frames = [photo1, { ...photo1, index: 1 }, { ...photo1, index: 2 }];
    const first = await firstValueFrom(leasedSource(frames, log).pipe(detectFaces(detector), take(1)));
    assert.equal(first.frame.index, 0);
    assert.deepEqual([...log].sort(), ['free 0', 'free 1', 'free 2']);
  });

  it('creates and disposes its own detector when given options', async () => {
    const subject = new Subject<Frame>();
    const results: number[] = [];
    const done = new Promise<void>((resolve, reject) =>
      subject
        .pipe(detectFaces({ model: 'back', maxFaces: 2 }))
        .subscribe({ next: (r) => results.push(r.faces.length), error: reject, complete: resolve }),
    );
    subject.next(photo4);
    subject.next({ ...noiseFrame(320, 240), index: 1 });
    subject.complete();
    await done;
    assert.deepEqual(results, [2, 0]);
  });

  it('propagates a typed error after the results of earlier frames', async () => {
    const bad: Frame = { ...photo1, index: 1, data: new Uint8Array(10) };
    const seen: number[] = [];
    const error = await new Promise<unknown>((resolve, reject) =>
      from([photo1, bad, photo4])
        .pipe(detectFaces(detector))
        .subscribe({
          next: (r) => seen.push(r.frame.index),
          error: resolve,
          complete: () => reject(new Error('completed')),
        }),
    );
    assert.deepEqual(seen, [0]);
    assert.ok(error instanceof MediaError && error.code === 'AUF_ERR_DECODE' && /rgb24/.test(error.message));
  });

  it('errors at once when the model cannot be loaded, and throws OptionError for bad options', async () => {
    const never = new Subject<Frame>();
    await assert.rejects(
      lastValueFrom(never.pipe(detectFaces({ model: '/nonexistent/face.onnx' }))),
      (e: unknown) => e instanceof ModelError && e.code === 'AUF_ERR_MODEL_LOAD',
    );
    assert.throws(
      () => detectFaces({ iouThreshold: -1 }),
      (e: unknown) => e instanceof OptionError && /'iouThreshold'/.test(e.message),
    );
  });
});
