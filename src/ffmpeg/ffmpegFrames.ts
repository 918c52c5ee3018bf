/**
 * Runs a decoding ffmpeg (args from `decodeArgs`) and emits its rgb24 frames losslessly and
 * back-pressured.
 *
 * stdout carries raw pixels; the `showinfo` line on stderr gives each frame's timestamp and
 * size, so frames are cut from stdout in showinfo order (one Buffer copy per frame). Each frame
 * is emitted with `emitLeased`: while `highWaterMark` frames are still retained downstream
 * (see operators/frameLease.ts), stdout is paused, the OS pipe fills and ffmpeg blocks.
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
import { classifyFfmpegFailure, hasDecodeTrouble } from './mediaErrors.js';
import { ShowinfoParser, type ShowinfoFrame } from './showinfo.js';
import { spawnFfmpeg } from './spawnFfmpeg.js';

/** Raw bytes allowed on stdout without any showinfo line to pair them with. */
const MAX_UNPAIRED_BYTES = 64 * 1024 * 1024;

export interface FfmpegFramesOptions {
  readonly sourceId: string;
  /** Path or URL (credentials removed) named in errors. */
  readonly source: string;
  /** Frames retained downstream before stdout is paused (>= 1). */
  readonly highWaterMark: number;
  /** Index of the first frame (sources that chain several ffmpeg runs). Defaults to 0. */
  readonly firstIndex?: number;
  /** Maps showinfo's time (ms from the start of the decoded range) and the index to `ptsMs`. */
  readonly ptsMs: (showinfoMs: number, index: number) => number;
  /** Reuse the pixel buffer of a frame every stage has released for a later frame. Defaults to false. */
  readonly reuseBuffers?: boolean;
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
    const infos: ShowinfoFrame[] = [];
    const chunks: Buffer[] = [];
    // Buffers of released frames (reuseBuffers): no allocation, page faults or GC per frame.
    const spare: Buffer[] = [];
    let buffered = 0;
    let retained = 0;
    let index = options.firstIndex ?? 0;
    const firstIndex = index;
    let pumping = false;
    let done = false;
    let exited = false;
    let exitCode: number | null = null;

    const proc = spawnFfmpeg(ffmpegPath, args, (line) => {
      const info = parser.parse(line);
      if (info) {
        infos.push(info);
        pump();
      }
    });
    const stdout = proc.child.stdout;
    stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      buffered += chunk.length;
      pump();
    });
    void proc.closed.then((code) => {
      exited = true;
      exitCode = code;
      pump();
    });

    const nextSize = (): number | undefined => {
      const info = infos[0];
      return info ? info.width * info.height * 3 : undefined;
    };

    function takeBytes(size: number): Buffer {
      const reused = spare.pop();
      const out = reused?.length === size ? reused : Buffer.allocUnsafeSlow(size);
      let offset = 0;
      while (offset < size) {
        const chunk = chunks[0] as Buffer;
        const need = size - offset;
        if (chunk.length <= need) {
          chunk.copy(out, offset);
          offset += chunk.length;
          chunks.shift();
        } else {
          chunk.copy(out, offset, 0, need);
          chunks[0] = chunk.subarray(need);
          offset += need;
        }
      }
      buffered -= size;
      return out;
    }

    function pump(): void {
      if (pumping || done) return;
      pumping = true;
      try {
        for (
          let size = nextSize();
          !done && retained < highWaterMark && size !== undefined && buffered >= size;
          size = nextSize()
        ) {
          const info = infos.shift() as ShowinfoFrame;
          const data = takeBytes(size);
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
      } finally {
        pumping = false;
      }
      if (done) return;
      if (infos.length === 0 && buffered > MAX_UNPAIRED_BYTES) {
        // stdout runs far ahead of stderr: showinfo lines are not being recognised.
        done = true;
        proc.stop();
        subscriber.error(
          new MediaError(
            'AUF_ERR_DECODE',
            options.source,
            `ffmpeg at ${ffmpegPath} printed no showinfo frame lines for ${buffered} bytes of video; ` +
              'its log format is not supported. Use ffmpeg >= 4 via FFMPEG_PATH.',
          ),
        );
        return;
      }
      if (retained >= highWaterMark) stdout.pause();
      else stdout.resume();
      if (exited) finish();
    }

    function finish(): void {
      const size = nextSize();
      if (size !== undefined && buffered >= size) return; // frames left: wait for a release
      done = true;
      if (exitCode === 0 && !hasDecodeTrouble(proc.stderrTail)) subscriber.complete();
      else
        subscriber.error(
          classifyFfmpegFailure(options.source, proc.stderrTail, exitCode, index - firstIndex),
        );
    }

    return () => {
      done = true;
      proc.stop();
    };
  });
}
