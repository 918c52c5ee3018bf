/**
 * Decodes a video file (or URL) into RGB frames, losslessly and back-pressured.
 *
 * ffmpeg decodes to rgb24 on a pipe; each frame's `ptsMs` is the container's timestamp (correct
 * for variable frame rate: frames are passed through, never duplicated), rotated phone videos
 * come out upright, and a slow consumer pauses ffmpeg instead of buffering.
 *
 * ```
 * fromFile('a.mp4')   --f0--f1--f2-- ... --f179--|      (ffmpeg exited 0)
 * truncated file      --f0--f1-- ... --f29--#AUF_ERR_DECODE
 * ```
 *
 * Example:
 * ```ts
 * import { fromFile } from 'auformer-stream';
 * fromFile('assets/sample/faces.mp4', { fps: 10, maxWidth: 640 })
 *   .subscribe((f) => console.log(f.index, f.ptsMs, f.width, f.height));
 * // 0 0 640 360, 1 100 640 360, ... 59 5900 640 360
 * ```
 * @see docs/ffmpeg.md for binaries, options and error codes.
 */
import { defer, from, mergeMap, type Observable } from 'rxjs';
import { OptionError } from '../errors.js';
import { decodeArgs } from '../ffmpeg/ffmpegArgs.js';
import { ffmpegFrames } from '../ffmpeg/ffmpegFrames.js';
import { checkInputFile, redactCredentials, toLocalPath } from '../ffmpeg/mediaErrors.js';
import { resolveFfmpeg } from '../ffmpeg/resolveFfmpeg.js';
import type { Frame } from '../types/frame.js';

export interface FileSourceOptions {
  /** Sample to this many frames per second (ffmpeg `fps` filter). Defaults to every frame (undefined). */
  readonly fps?: number;
  /** Start at this media time, in ms (accurate seek). Defaults to 0. */
  readonly startMs?: number;
  /** Stop before this media time, in ms. Defaults to the end of the media (undefined). */
  readonly endMs?: number;
  /** Downscale (never upscale) to at most this width in pixels, keeping aspect, even sizes. Defaults to none. */
  readonly maxWidth?: number;
  /** `Frame.sourceId`. Defaults to the path (URL credentials removed). */
  readonly sourceId?: string;
  /** Frames retained downstream before ffmpeg's pipe is paused. Defaults to 4. */
  readonly highWaterMark?: number;
  /** ffmpeg binary. Defaults to `resolveFfmpeg()`: FFMPEG_PATH, system ffmpeg >= 5, embedded. */
  readonly ffmpegPath?: string;
  /**
   * Reuse a frame's pixel buffer for a later frame once every stage has released the frame
   * (operators/frameLease.ts). Only for pipelines whose frames never escape, such as `analyze`
   * (which turns it on): a subscriber that keeps a frame would see its pixels overwritten.
   * Saves a 2.7 MB allocation per 720p frame and the garbage collections it triggers. Defaults to false.
   */
  readonly reuseBuffers?: boolean;
}

const DEFAULTS: { readonly startMs: number; readonly highWaterMark: number } = {
  startMs: 0,
  highWaterMark: 4,
};

/** Cold: every subscription runs its own ffmpeg; unsubscribing kills it. `file://` URLs are paths. */
export function fromFile(pathOrUrl: string, options: FileSourceOptions = {}): Observable<Frame> {
  const opts = validateFileOptions({ ...DEFAULTS, ...options });
  const input = toLocalPath(pathOrUrl);
  const source = redactCredentials(input);
  return defer(() => from(Promise.all([checkInputFile(input), resolveFfmpeg(opts.ffmpegPath)]))).pipe(
    mergeMap(([, binary]) =>
      ffmpegFrames(binary.path, decodeArgs(binary, input, opts), {
        sourceId: opts.sourceId ?? source,
        source,
        highWaterMark: opts.highWaterMark,
        reuseBuffers: opts.reuseBuffers ?? false,
        ptsMs: (showinfoMs) => showinfoMs + opts.startMs,
      }),
    ),
  );
}

type ResolvedOptions = FileSourceOptions & typeof DEFAULTS;

/** Throws `OptionError` naming the bad option. Exported for sources that share these options. */
export function validateFileOptions<T extends ResolvedOptions>(opts: T): T {
  const positive = (name: keyof FileSourceOptions, value: number | undefined): void => {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new OptionError(`Option "${name}" must be a positive number, got ${String(value)}.`);
    }
  };
  positive('fps', opts.fps);
  positive('endMs', opts.endMs);
  if (!(Number.isFinite(opts.startMs) && opts.startMs >= 0)) {
    throw new OptionError(`Option "startMs" must be a number >= 0 (ms), got ${String(opts.startMs)}.`);
  }
  if (opts.endMs !== undefined && opts.endMs <= opts.startMs) {
    throw new OptionError(
      `Options "startMs" (${opts.startMs}) and "endMs" (${opts.endMs}): endMs must be after startMs.`,
    );
  }
  if (opts.maxWidth !== undefined && !(Number.isInteger(opts.maxWidth) && opts.maxWidth >= 2)) {
    throw new OptionError(
      `Option "maxWidth" must be an integer >= 2 (pixels), got ${String(opts.maxWidth)}.`,
    );
  }
  if (!(Number.isInteger(opts.highWaterMark) && opts.highWaterMark >= 1)) {
    throw new OptionError(
      `Option "highWaterMark" must be an integer >= 1 (frames), got ${String(opts.highWaterMark)}.`,
    );
  }
  return opts;
}
