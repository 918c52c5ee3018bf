/**
 * Detects faces in every frame with BlazeFace: one `FrameFaces` per input frame, in order,
 * also when no face is found (`faces: []`).
 *
 * Detections run one at a time in input order. Each frame is retained (see frameLease.ts) from
 * its arrival until its `FrameFaces` has been emitted, so a file source pauses instead of
 * queueing frames while the detector is busy.
 *
 * ```
 * frames:  --f0--f1--f2------|
 * detect:    [..f0..][..f1..][..f2..]
 * output:  ---------a0------a1------a2|      a = { frame, faces }
 * ```
 *
 * Given a `FaceDetector`, the operator shares it and leaves its lifecycle to the caller. Given
 * options (or nothing), it creates a detector when subscribed and disposes it on teardown; a
 * model that cannot be loaded errors the stream right away. Detection errors are typed
 * (`ModelError`, `MediaError`) and arrive after the results of earlier frames.
 *
 * Example
 * ```ts
 * import { fromFile, detectFaces } from 'auformer-stream';
 * fromFile('talk.mp4').pipe(detectFaces({ model: 'back' })).subscribe(({ frame, faces }) =>
 *   console.log(frame.index, faces.length)); // 0 1, 1 1, ...
 * ```
 * @see docs/detector.md
 */
import { type OperatorFunction, defer, finalize, from, ignoreElements, merge } from 'rxjs';
import { FaceDetector } from '../detector/FaceDetector.js';
import { resolveFaceDetectorOptions, type FaceDetectorOptions } from '../detector/faceDetectorOptions.js';
import type { Frame } from '../types/frame.js';
import type { FrameFaces } from '../types/pipeline.js';
import { concatMapRetained } from './frameLease.js';

export function detectFaces(
  detectorOrOptions: FaceDetector | FaceDetectorOptions = {},
): OperatorFunction<Frame, FrameFaces> {
  const shared = detectorOrOptions instanceof FaceDetector ? detectorOrOptions : undefined;
  const options = shared ? undefined : (detectorOrOptions as FaceDetectorOptions);
  if (options) resolveFaceDetectorOptions(options); // invalid options fail when the pipeline is built
  return (source) =>
    defer(() => {
      const ready = shared ? Promise.resolve(shared) : FaceDetector.create(options);
      const faces$ = source.pipe(
        concatMapRetained(
          (frame: Frame) => frame,
          (frame) =>
            ready.then(async (detector): Promise<FrameFaces> => ({
              frame,
              faces: await detector.detect(frame),
            })),
        ),
      );
      // Surfaces a model that fails to load before any frame arrives (live sources may be slow).
      const loadError$ = from(ready).pipe(ignoreElements());
      return merge(faces$, loadError$).pipe(
        finalize(() => {
          if (!shared) void ready.then((detector) => detector.dispose()).catch(reportDisposeError);
        }),
      );
    });
}

/** Load errors already went down the error channel; a failed release only deserves a warning. */
function reportDisposeError(error: unknown): void {
  if (
    (error as { code?: string })?.code === 'AUF_ERR_MODEL_LOAD' ||
    (error as { code?: string })?.code === 'AUF_ERR_MODEL_SHAPE'
  )
    return;
  process.emitWarning(`detectFaces: disposing the face detector failed: ${String(error)}`);
}
