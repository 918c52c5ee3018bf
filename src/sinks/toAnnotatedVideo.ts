/**
 * Writes a video of the analysed frames with the results drawn on them: per face a box in the
 * track's colour, the track id, the 6 keypoints and an AU panel (see drawFaceAnnotations).
 *
 * Results carry no pixels, so the sink also subscribes to the frames they were computed from
 * (`options.frames`) and pairs frames and results by (sourceId, index): usually a second
 * decode of the same file with the same source options (`fromFile(input, sameOptions)`), which
 * yields the same frames. Memory stays bounded: each frame is retained (frameLease) from its
 * arrival until ffmpeg's pipe has taken its annotated copy, so that decoder pauses at its
 * high-water mark while results or the encoder lag. Only results that arrive before their
 * frame wait in memory (small objects; decoding is faster than inference in practice).
 *
 * ```
 * frames   --f0--f1--f2------f3--|     (retained until encoded)
 * records  -----r0-----r1--r2----r3--|
 * output   -----r0-----r1--r2----r3-------|   (records pass through; completes after ffmpeg exits 0)
 * video    [f0+r0][f1+r1][f2+r2][f3+r3]
 * ```
 * Timing: every frame keeps its pts (rebased to start at 0), so frame count and timing equal
 * the decoded input's; for variable-frame-rate input the last frame lasts as long as the first
 * interval. A frame without a result (never the case with `analyze`) is written unannotated.
 * On upstream error the video written so far is finished, then the error is passed on; on
 * unsubscribe it is finished in the background (ffmpeg exits within moments, or is killed).
 *
 * @example
 * import { analyze, fromFile, toAnnotatedVideo, AUModel, DEFAULT_MODEL_PATH } from 'auformer-stream';
 * const model = await AUModel.create(DEFAULT_MODEL_PATH);
 * analyze('talk.mp4', { model, source: { fps: 10 } })
 *   .pipe(toAnnotatedVideo('talk.annotated.mp4', { frames: fromFile('talk.mp4', { fps: 10 }), auNames: model.card.auNames }))
 *   .subscribe(); // talk.annotated.mp4: H.264, same frames and timing as the 10 fps decode
 * @see docs/visual-output.md
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { isObservable, Observable, Subscription, type MonoTypeOperatorFunction } from 'rxjs';
import { OptionError, SinkError } from '../errors.js';
import { retainFrame } from '../operators/frameLease.js';
import { drawFaceAnnotations } from '../render/drawFaceAnnotations.js';
import { openFrameEncoder, type FrameEncoderOptions } from '../render/frameEncoder.js';
import { copyImage } from '../render/rgbImage.js';
import type { Frame } from '../types/frame.js';
import type { AnalysisRecord, FrameResult } from '../types/result.js';

export interface AnnotatedVideoOptions extends FrameEncoderOptions {
  /** The frames the results were computed from (same source, same options). Required. */
  readonly frames: Observable<Frame>;
  /** AU names in panel order: the model card's `auNames`. Required. */
  readonly auNames: readonly string[];
  /** Per-AU thresholds for faces without `active` flags. Defaults to 0.5 each. */
  readonly thresholds?: readonly number[];
  /** Draw the AU panel beside each face. Defaults to true. */
  readonly panel?: boolean;
}

/** Largest pts difference (ms) tolerated between a frame and its result. */
const PTS_TOLERANCE_MS = 1;

export function toAnnotatedVideo(
  path: string,
  options: AnnotatedVideoOptions,
): MonoTypeOperatorFunction<AnalysisRecord> {
  validate(path, options);
  return (records) =>
    new Observable<AnalysisRecord>((subscriber) => {
      if (!existsSync(dirname(path))) {
        subscriber.error(
          new SinkError(`toAnnotatedVideo: folder "${dirname(path)}" does not exist; create it first.`),
        );
        return undefined;
      }
      const encoder = openFrameEncoder(path, options);
      const frames: { frame: Frame; release: () => void }[] = [];
      const results: FrameResult[] = [];
      let chain = Promise.resolve();
      const frameSub = new Subscription();
      let recordsDone = false;
      let framesDone = false;
      let over = false;
      let failed = false;

      const fail = (error: unknown): void => {
        if (over) return;
        over = true;
        failed = true;
        stop();
        encoder.abort();
        subscriber.error(error);
      };
      const stop = (): void => {
        frameSub.unsubscribe();
        for (const { release } of frames.splice(0)) release();
      };
      /** Ends the video after everything queued, then completes or passes `error` on. */
      const end = (error?: unknown): void => {
        if (over) return;
        over = true;
        stop();
        chain = chain
          .then(() => encoder.finish())
          .then(
            () => (error === undefined ? subscriber.complete() : subscriber.error(error)),
            (failure: unknown) => subscriber.error(error ?? failure),
          );
      };
      const encode = (frame: Frame, release: () => void, result?: FrameResult): void => {
        chain = chain
          .then(async () => {
            if (failed) return;
            const image = copyImage(frame);
            if (result) drawFaceAnnotations(image, result.faces, options);
            await encoder.write(image, frame.ptsMs);
          })
          .finally(release)
          .catch(fail);
      };
      const match = (): void => {
        while (results.length > 0 && frames.length > 0) {
          const result = results[0]!;
          const { frame, release } = frames[0]!;
          if (frame.sourceId === result.sourceId && frame.index < result.index) {
            frames.shift();
            encode(frame, release);
            continue;
          }
          if (
            frame.sourceId !== result.sourceId ||
            frame.index !== result.index ||
            Math.abs(frame.ptsMs - result.ptsMs) > PTS_TOLERANCE_MS
          ) {
            fail(mismatch(frame, result));
            return;
          }
          frames.shift();
          results.shift();
          encode(frame, release, result);
        }
        if (framesDone && results.length > 0) fail(framesEnded(results[0]!));
        else if (recordsDone && results.length === 0) end();
      };

      frameSub.add(
        options.frames.subscribe({
          next: (frame) => {
            frames.push({ frame, release: retainFrame(frame) });
            match();
          },
          error: fail,
          complete: () => {
            framesDone = true;
            match();
          },
        }),
      );
      const recordSub = records.subscribe({
        next: (record) => {
          if (record.type === 'frame') {
            results.push(record);
            match();
          }
          subscriber.next(record);
        },
        error: (error: unknown) => end(error),
        complete: () => {
          recordsDone = true;
          match();
        },
      });
      return () => {
        recordSub.unsubscribe();
        if (over) return;
        // Unsubscribed: finish the file with what was queued; never leave ffmpeg behind.
        over = true;
        stop();
        chain.then(() => encoder.finish()).catch(() => encoder.abort());
      };
    });
}

function framesEnded(result: FrameResult): SinkError {
  return new SinkError(
    `toAnnotatedVideo: the frames ended before result ${result.sourceId}#${result.index}; give \`frames\` ` +
      'the same source and options as the pipeline.',
  );
}

function mismatch(frame: Frame, result: FrameResult): SinkError {
  return new SinkError(
    `toAnnotatedVideo: frame ${frame.sourceId}#${frame.index} (${frame.ptsMs} ms) does not match result ` +
      `${result.sourceId}#${result.index} (${result.ptsMs} ms); give \`frames\` the same source and options as the pipeline.`,
  );
}

function validate(path: string, options: AnnotatedVideoOptions): void {
  if (typeof path !== 'string' || path.length === 0)
    throw new OptionError('toAnnotatedVideo: path must be a non-empty file path, e.g. "annotated.mp4".');
  if (!isObservable(options?.frames))
    throw new OptionError(
      'toAnnotatedVideo: option "frames" is required: the source frames, e.g. fromFile(input, sameOptions).',
    );
  if (!Array.isArray(options.auNames) || options.auNames.length === 0)
    throw new OptionError('toAnnotatedVideo: option "auNames" is required: the model card\'s auNames.');
  if (options.codec !== undefined && !['auto', 'libx264', 'mpeg4'].includes(options.codec))
    throw new OptionError(
      `toAnnotatedVideo: option "codec" must be one of auto, libx264, mpeg4; got "${String(options.codec)}".`,
    );
}
