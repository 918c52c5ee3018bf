/**
 * Runs a decoding ffmpeg (args from `decodeArgs`) and emits its rgb24 frames losslessly and
 * back-pressured.
 *
 * The raw pixels come over rawOutput.ts's channel, read straight into each frame's buffer; the
 * `showinfo` line on stderr gives each frame's timestamp and size (frameAssembler.ts pairs them).
 * Each frame is emitted with `emitLeased`: while `highWaterMark` frames are still retained
 * downstream (see operators/frameLease.ts), reading stops, the OS buffer fills and ffmpeg blocks.
 *
 * ```
 * ffmpeg  --f0--f1--f2--f3-(paused)--------f4--f5--|exit 0
 * retain   1   2   3   4               3   4  ...
 * output  --f0--f1--f2--f3-------------f4--f5------|
 * ```
 * Completion waits for ffmpeg to exit 0 and for every frame to be emitted; a break mid-way
 * (truncated file) errors with `AUF_ERR_DECODE` after the frames before it.
 */
import { Observable } from 'rxjs';
import { MediaError } from '../errors.js';
import { emitLeased } from '../operators/frameLease.js';
import type { Frame } from '../types/frame.js';
import { FrameAssembler, type AssembledFrame } from './frameAssembler.js';
import { classifyFfmpegFailure, hasDecodeTrouble } from './mediaErrors.js';
import { DEFAULT_RAW_OUTPUT, openRawOutput, type RawOutput, type RawOutputKind } from './rawOutput.js';
import { ShowinfoParser } from './showinfo.js';
import { spawnFfmpeg, type FfmpegProcess } from './spawnFfmpeg.js';

/** Raw bytes allowed on stdout without any showinfo line to pair them with. */
const MAX_UNPAIRED_BYTES = 64 * 1024 * 1024;

export interface FfmpegFramesOptions {
  readonly sourceId: string;
  /** Path or URL (credentials removed) named in errors. */
  readonly source: string;
  /** Frames retained downstream before reading is paused (>= 1). */
  readonly highWaterMark: number;
  /** Index of the first frame (sources that chain several ffmpeg runs). Defaults to 0. */
  readonly firstIndex?: number;
  /** Maps showinfo's time (ms from the start of the decoded range) and the index to `ptsMs`. */
  readonly ptsMs: (showinfoMs: number, index: number) => number;
  /** Reuse the pixel buffer of a frame every stage has released for a later frame. Defaults to false. */
  readonly reuseBuffers?: boolean;
  /** How the pixels travel (rawOutput.ts). Defaults to a socket, a pipe on Windows. */
  readonly output?: RawOutputKind;
}

/** Cold: each subscription spawns its own ffmpeg; unsubscribing stops it. */
export function ffmpegFrames(
  ffmpegPath: string,
  args: readonly string[],
  options: FfmpegFramesOptions,
): Observable<Frame> {
  return new Observable<Frame>((subscriber) => {
    const { sourceId, highWaterMark } = options;
    const parser = new ShowinfoParser();
    // Buffers of released frames (reuseBuffers): no allocation, page faults or GC per frame.
    const spare: Buffer[] = [];
    const assembler = new FrameAssembler((size) => {
      const reused = spare.pop();
      return reused?.length === size ? reused : Buffer.allocUnsafeSlow(size);
    });
    const ready: AssembledFrame[] = [];
    let retained = 0;
    let index = options.firstIndex ?? 0;
    const firstIndex = index;
    let pumping = false;
    let done = false;
    let exitCode: number | null | undefined; // undefined while ffmpeg runs
    let ended = false;
    let proc: FfmpegProcess | undefined;
    let output: RawOutput | undefined;

    const sink = {
      target: () => assembler.target(),
      wrote: (n: number) => {
        assembler.wrote(n, ready);
        pump();
      },
    };
    openRawOutput(sink, options.output ?? DEFAULT_RAW_OUTPUT)
      .then(start)
      .catch((error: unknown) => {
        // spawn can throw synchronously (EMFILE, bad arguments): a typed error, not a lost one.
        if (!done)
          fail(new MediaError('AUF_ERR_DECODE', options.source, `Cannot start ffmpeg: ${String(error)}`));
      });

    function start(opened: RawOutput): void {
      output = opened;
      if (done) return opened.close();
      const onLine = (line: string): void => {
        const info = parser.parse(line);
        if (info) {
          assembler.announce(info, ready);
          pump();
        }
      };
      proc = spawnFfmpeg(ffmpegPath, args, onLine, opened.stdio === 'pipe' ? {} : { stdout: opened.stdio });
      opened.attach(proc.stdout ?? null);
      void Promise.all([proc.closed, opened.ended]).then(([code]) => {
        exitCode = code;
        ended = true;
        pump();
      });
    }

    function pump(): void {
      if (pumping || done) return;
      pumping = true;
      try {
        while (!done && retained < highWaterMark && ready.length > 0) emit(ready.shift() as AssembledFrame);
      } finally {
        pumping = false;
      }
      if (done) return;
      if (assembler.unpairedBytes > MAX_UNPAIRED_BYTES) {
        // stdout runs far ahead of stderr: showinfo lines are not being recognised.
        fail(
          new MediaError(
            'AUF_ERR_DECODE',
            options.source,
            `ffmpeg at ${ffmpegPath} printed no showinfo frame lines for ${assembler.unpairedBytes} bytes of video; ` +
              'its log format is not supported. Use ffmpeg >= 4 via FFMPEG_PATH.',
          ),
        );
        return;
      }
      if (retained >= highWaterMark) output?.pause();
      else output?.resume();
      if (ended && ready.length === 0) finish();
    }

    function emit({ info, data }: AssembledFrame): void {
      const frame: Frame = {
        sourceId,
        index,
        ptsMs: options.ptsMs(info.ptsMs, index),
        capturedAtMs: Date.now(),
        width: info.width,
        height: info.height,
        data,
      };
      index += 1;
      retained += 1;
      emitLeased(
        frame,
        (f) => subscriber.next(f),
        () => {
          retained -= 1;
          if (options.reuseBuffers && spare.length < highWaterMark) spare.push(data);
          pump();
        },
      );
    }

    function finish(): void {
      done = true;
      const stderrTail = proc?.stderrTail ?? [];
      if (exitCode === 0 && !hasDecodeTrouble(stderrTail)) subscriber.complete();
      else
        subscriber.error(
          classifyFfmpegFailure(options.source, stderrTail, exitCode ?? null, index - firstIndex),
        );
    }

    function fail(error: MediaError): void {
      done = true;
      proc?.stop();
      output?.close();
      subscriber.error(error);
    }

    return () => {
      done = true;
      proc?.stop();
      output?.close();
    };
  });
}
