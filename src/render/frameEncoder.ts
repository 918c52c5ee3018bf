/**
 * Feeds pictures with their timestamps to an encoding ffmpeg, back-pressured, and finishes the
 * file cleanly: the video half of `toAnnotatedVideo`.
 *
 * Pictures go to ffmpeg's stdin as raw rgb24 in a Matroska stream (rawMatroska.ts), so each
 * keeps its own pts (rebased so the first is 0). The first picture is held until the second
 * arrives: the interval between them becomes the track's default duration, which ffmpeg gives
 * the last frame (for constant-frame-rate input the output duration then equals the input's).
 *
 * ```
 * write(p0)  held                    (resolves at once)
 * write(p1)  spawn ffmpeg; header, p0, p1 to stdin (resolves when the OS pipe has taken p1)
 * finish()   close stdin, wait for ffmpeg's exit 0, else SinkError with ffmpeg's last lines
 * ```
 */
import { SinkError } from '../errors.js';
import { encodeArgs, pickVideoCodec, type VideoCodec } from '../ffmpeg/encodeArgs.js';
import { resolveFfmpeg } from '../ffmpeg/resolveFfmpeg.js';
import { type FfmpegProcess, spawnFfmpeg } from '../ffmpeg/spawnFfmpeg.js';
import { matroskaFramePrefix, matroskaHeader } from './rawMatroska.js';
import type { RgbImage } from './rgbImage.js';

export interface FrameEncoderOptions {
  /** ffmpeg binary. Defaults to `resolveFfmpeg()`'s choice. */
  readonly ffmpegPath?: string | undefined;
  /** `auto` picks libx264 when the binary has it, else mpeg4. Defaults to `auto`. */
  readonly codec?: VideoCodec | 'auto' | undefined;
  /** Duration of a lone frame (a one-frame video), in ms. Defaults to 40. */
  readonly singleFrameMs?: number | undefined;
}

export interface FrameEncoder {
  /** Encodes `image` at `ptsMs`; resolves once ffmpeg's pipe has taken it. Call one at a time. */
  write(image: RgbImage, ptsMs: number): Promise<void>;
  /** Writes what is held, closes stdin and waits for ffmpeg to exit 0. Idempotent. */
  finish(): Promise<void>;
  /** Kills ffmpeg now (the file is incomplete). */
  abort(): void;
}

/** Starts nothing until the first pictures arrive. */
export function openFrameEncoder(path: string, options: FrameEncoderOptions = {}): FrameEncoder {
  let proc: FfmpegProcess | undefined;
  let held: { image: RgbImage; ptsMs: number } | undefined;
  let size: { width: number; height: number } | undefined;
  let firstPtsMs = 0;
  let finishing: Promise<void> | undefined;
  let pipeError: Error | undefined;

  const failure = (what: string, cause?: unknown): SinkError =>
    new SinkError(
      `Cannot encode the annotated video "${path}" (${what}): ${proc?.stderrTail.slice(-5).join(' | ') ?? ''}. ` +
        'Check that the folder exists and is writable and that the extension names a video format (.mp4, .mkv).',
      { cause },
    );

  const start = async (width: number, height: number, frameMs: number): Promise<void> => {
    const binary = await resolveFfmpeg(options.ffmpegPath);
    const codec =
      options.codec === undefined || options.codec === 'auto' ? await pickVideoCodec(binary) : options.codec;
    proc = spawnFfmpeg(binary.path, encodeArgs(binary, path, codec), undefined, { stdin: true });
    proc.stdin?.on('error', (error) => (pipeError ??= error));
    size = { width, height };
    await send(matroskaHeader(width, height, frameMs * 1000));
  };

  const send = (bytes: Uint8Array): Promise<void> =>
    new Promise((resolve, reject) => {
      const stdin = proc?.stdin;
      if (!stdin || pipeError || stdin.destroyed) {
        reject(failure('ffmpeg stopped reading', pipeError));
        return;
      }
      stdin.write(bytes, (error) => (error ? reject(failure('write failed', error)) : resolve()));
    });

  const sendPicture = async (image: RgbImage, ptsMs: number): Promise<void> => {
    if (image.width !== size?.width || image.height !== size.height) {
      throw new SinkError(
        `toAnnotatedVideo: frame size changed from ${size?.width}x${size?.height} to ` +
          `${image.width}x${image.height}; write one video per input (sizes must not change).`,
      );
    }
    await send(matroskaFramePrefix((ptsMs - firstPtsMs) * 1000, image.data.length));
    await send(image.data);
  };

  return {
    async write(image, ptsMs) {
      if (finishing) throw new SinkError(`toAnnotatedVideo: "${path}" is already finished.`);
      if (!proc && !held) {
        held = { image, ptsMs };
        firstPtsMs = ptsMs;
        return;
      }
      if (held) {
        const first = held;
        held = undefined;
        await start(first.image.width, first.image.height, Math.max(1, ptsMs - first.ptsMs));
        await sendPicture(first.image, first.ptsMs);
      }
      await sendPicture(image, ptsMs);
    },
    finish() {
      finishing ??= (async () => {
        if (held) {
          const lone = held;
          held = undefined;
          await start(lone.image.width, lone.image.height, options.singleFrameMs ?? 40);
          await sendPicture(lone.image, lone.ptsMs);
        }
        if (!proc) return; // nothing was written: no file
        proc.stdin?.end();
        const code = await proc.closed;
        if (code !== 0) throw failure(`ffmpeg exited with ${String(code)}`);
      })();
      return finishing;
    },
    abort() {
      held = undefined;
      proc?.stop();
    },
  };
}
