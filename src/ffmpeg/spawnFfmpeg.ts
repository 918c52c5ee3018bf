/**
 * Spawns ffmpeg (or ffprobe) directly with node:child_process and gives its stderr line by
 * line. `stop()` ends the process: SIGTERM, then SIGKILL after a short grace, so no ffmpeg
 * outlives its subscription (Node reaps the child, so there is no zombie either).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';

/** How long a stopped ffmpeg may take to exit after SIGTERM before SIGKILL, in ms. */
export const KILL_GRACE_MS = 500;
/** Lines of stderr kept for error messages. */
const TAIL_LINES = 40;

export interface FfmpegProcess {
  readonly child: ChildProcess;
  /** ffmpeg's stdout when piped (the default); undefined when it went to `options.stdout`. */
  readonly stdout?: Readable;
  /** ffmpeg's stdin when spawned with `{ stdin: true }` (encoders), else undefined. */
  readonly stdin?: Writable;
  /** The last stderr lines except showinfo's (for error classification and messages). */
  readonly stderrTail: string[];
  /** Resolves with the exit code (null when killed by a signal) once every pipe is closed. */
  readonly closed: Promise<number | null>;
  /** Idempotent: SIGTERM now, SIGKILL after `KILL_GRACE_MS` if still running. */
  stop(): void;
}

/**
 * Starts `path args`; `onLine` gets every stderr line (without its line break) as it arrives.
 * `options.stdin` pipes ffmpeg's stdin; `options.stdout` sends its stdout to a socket (see
 * rawOutput.ts) instead of a pipe. A failure to start (ENOENT, EACCES) resolves `closed` with
 * `null` and puts the reason in `stderrTail`.
 */
export function spawnFfmpeg(
  path: string,
  args: readonly string[],
  onLine?: (line: string) => void,
  options: { readonly stdin?: boolean; readonly stdout?: Socket } = {},
): FfmpegProcess {
  const child = spawn(path, args, {
    stdio: [options.stdin ? 'pipe' : 'ignore', options.stdout ?? 'pipe', 'pipe'],
    windowsHide: true,
  });
  const stdin = child.stdin ?? undefined;
  const stdout = child.stdout ?? undefined;
  const stderr = child.stderr as Readable;
  const stderrTail: string[] = [];
  let partial = '';
  const pushLine = (line: string): void => {
    if (line.length === 0) return;
    // showinfo prints one or more lines per frame; kept, they would push diagnostics out of the tail.
    if (!line.includes('Parsed_showinfo')) {
      stderrTail.push(line);
      if (stderrTail.length > TAIL_LINES) stderrTail.shift();
    }
    onLine?.(line);
  };
  stderr.setEncoding('utf8');
  stderr.on('data', (chunk: string) => {
    const lines = (partial + chunk).split(/\r?\n|\r/);
    partial = lines.pop() ?? '';
    for (const line of lines) pushLine(line);
  });
  let exited = false;
  let killTimer: NodeJS.Timeout | undefined;
  const closed = new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      pushLine(`spawn error: ${error.message}`);
      exited = true;
      resolve(null);
    });
    child.on('close', (code) => {
      pushLine(partial);
      partial = '';
      exited = true;
      if (killTimer) clearTimeout(killTimer);
      resolve(code);
    });
  });
  let stopped = false;
  return {
    child,
    ...(stdout ? { stdout } : {}),
    ...(stdin ? { stdin } : {}),
    stderrTail,
    closed,
    stop() {
      if (stopped || exited) return;
      stopped = true;
      child.kill('SIGTERM');
      // A paused ffmpeg blocked on a full pipe exits on EPIPE once its reader is gone.
      stdout?.destroy();
      stdin?.destroy();
      killTimer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, KILL_GRACE_MS);
    },
  };
}
