/**
 * The channel that carries a decoding ffmpeg's raw video into this process, read straight into
 * buffers the reader chooses (a `FrameAssembler`).
 *
 * Node reads a child's stdout pipe 64 KiB at a time, each read into a new buffer: for 720p rgb24
 * that is ~40 allocations and a 2.7 MB copy per frame, and this churn of external memory makes
 * V8 run a full garbage collection every few frames (measured: `fromFile` fell to 0.6x of a
 * byte-counting reader once the SDK's modules were loaded). So ffmpeg's stdout is one end of a
 * Unix domain socket, made in a private temporary folder (mode 0700: no other user can connect),
 * and the other end is read with `onread`: every read lands in the frame being filled.
 * On Windows, ffmpeg's stdout stays a pipe and its chunks are copied into the same buffers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** Where bytes go: `target()` says where the next ones land, `wrote(n)` that `n` landed there. */
export interface ByteSink {
  target(): Buffer;
  wrote(n: number): void;
}

export interface RawOutput {
  /** For `spawn`'s `stdio[1]`: a socket end, or 'pipe' (then call `attach` with `child.stdout`). */
  readonly stdio: Socket | 'pipe';
  /** After spawning: closes this process's copy of the child's end, or reads `child.stdout`. */
  attach(stdout: Readable | null): void;
  pause(): void;
  resume(): void;
  /** Resolves once every byte ffmpeg wrote has been read (end of stream) or reading failed. */
  readonly ended: Promise<void>;
  /** Stops reading; a blocked ffmpeg then fails with EPIPE. Idempotent. */
  close(): void;
}

export type RawOutputKind = 'socket' | 'pipe';

export const DEFAULT_RAW_OUTPUT: RawOutputKind = process.platform === 'win32' ? 'pipe' : 'socket';

/**
 * Opens the channel; `kind` defaults to a socket except on Windows. A socket that cannot be made
 * (no writable temporary folder, a path too long for a socket name) falls back to the pipe.
 */
export async function openRawOutput(sink: ByteSink, kind = DEFAULT_RAW_OUTPUT): Promise<RawOutput> {
  return kind === 'socket' ? socketOutput(sink).catch(() => pipeOutput(sink)) : pipeOutput(sink);
}

async function socketOutput(sink: ByteSink): Promise<RawOutput> {
  const dir = mkdtempSync(join(tmpdir(), 'auf-video-'));
  const server = createServer();
  let reader: Socket | undefined;
  try {
    const path = join(dir, 'rgb.sock');
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    });
    const accepted = new Promise<Socket>((resolve, reject) => {
      server.once('connection', resolve);
      reader = connect({
        path,
        onread: {
          buffer: () => sink.target(),
          callback: (n: number) => {
            sink.wrote(n);
            return true;
          },
        },
      });
      reader.once('error', reject);
    });
    const childEnd = await accepted;
    return streamOutput(childEnd, reader as Socket, () => childEnd.destroy());
  } catch (error) {
    reader?.destroy();
    throw error;
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function pipeOutput(sink: ByteSink): RawOutput {
  let stdout: Readable | undefined;
  let markEnded: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (markEnded = resolve));
  return {
    stdio: 'pipe',
    attach(child) {
      if (!child) return markEnded();
      stdout = child;
      child.on('data', (chunk: Buffer) => {
        for (let at = 0; at < chunk.length;) {
          const n = chunk.copy(sink.target(), 0, at);
          at += n;
          sink.wrote(n);
        }
      });
      child.once('end', markEnded).once('close', markEnded).once('error', markEnded);
    },
    pause: () => void stdout?.pause(),
    resume: () => void stdout?.resume(),
    ended,
    close: () => {
      stdout?.destroy();
      markEnded();
    },
  };
}

function streamOutput(childEnd: Socket, reader: Socket, closeChildEnd: () => void): RawOutput {
  const ended = new Promise<void>((resolve) => {
    reader.once('end', resolve).once('close', () => resolve());
  });
  reader.on('error', () => undefined); // ECONNRESET when ffmpeg is killed: `ended` covers it
  return {
    stdio: childEnd,
    attach: closeChildEnd,
    pause: () => void reader.pause(),
    resume: () => void reader.resume(),
    ended,
    close: () => {
      closeChildEnd();
      reader.destroy();
    },
  };
}
