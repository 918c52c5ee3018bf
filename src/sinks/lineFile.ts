/**
 * A line-buffered file writer for sinks: synchronous writes, a small in-memory buffer.
 *
 * Sinks must never lose computed results, even when the process is interrupted (SIGINT tears
 * the pipeline down synchronously). Synchronous `fs` writes guarantee that whatever `flush()`
 * or `close()` was asked to write is in the kernel before they return; the buffer of
 * `flushEveryLines` lines only amortises syscalls. Every failure becomes a `SinkError`
 * (`AUF_ERR_SINK_WRITE`) that names the path and says how to fix it.
 *
 * Example
 * ```ts
 * import { openLineFile } from './lineFile.js';
 * const file = openLineFile('out/events.csv');
 * file.write('source_id,track_id'); // buffered
 * file.close();                      // flushed, descriptor closed; idempotent
 * ```
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { OptionError, SinkError } from '../errors.js';

export interface LineFileOptions {
  /** Lines kept in memory before a write to the file. Defaults to 64 (lines); 1 = unbuffered. */
  readonly flushEveryLines?: number;
  /** Append to an existing file instead of truncating it. Defaults to false. */
  readonly append?: boolean;
}

/** An open line file; `close()` flushes first and may be called any number of times. */
export interface LineFile {
  readonly path: string;
  /** Buffers one line; a `\n` is added. Throws `SinkError` after `close()` or on write failure. */
  write(line: string): void;
  /** Writes every buffered line to the file now. */
  flush(): void;
  /** Flushes, then closes the descriptor. Later calls do nothing. */
  close(): void;
}

const DEFAULTS: Required<LineFileOptions> = {
  flushEveryLines: 64,
  append: false,
};

/**
 * Opens (creates or truncates) `path` for line-oriented writing. Throws `SinkError` when the
 * file cannot be opened (missing directory, permissions) and `OptionError` on bad options.
 */
export function openLineFile(path: string, options?: LineFileOptions): LineFile {
  const { flushEveryLines, append } = { ...DEFAULTS, ...options };
  if (!Number.isInteger(flushEveryLines) || flushEveryLines < 1) {
    throw new OptionError(`flushEveryLines must be an integer >= 1 (lines), got ${String(flushEveryLines)}.`);
  }
  let fd: number | undefined;
  try {
    fd = openSync(path, append ? 'a' : 'w');
  } catch (cause) {
    throw new SinkError(
      `Cannot open ${path} for writing (${describe(cause)}). Create its directory, check ` +
        'permissions, or choose another output path.',
      { cause },
    );
  }
  let buffer: string[] = [];

  const flush = (): void => {
    if (fd === undefined || buffer.length === 0) return;
    const bytes = Buffer.from(buffer.join(''), 'utf8');
    buffer = [];
    try {
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
    } catch (cause) {
      throw new SinkError(
        `Cannot write to ${path} (${describe(cause)}). Free disk space or choose another output path.`,
        { cause },
      );
    }
  };

  return {
    path,
    write(line: string): void {
      if (fd === undefined) {
        throw new SinkError(`Cannot write to ${path}: it is already closed. Open it again.`);
      }
      buffer.push(line, '\n');
      if (buffer.length >= flushEveryLines * 2) flush();
    },
    flush,
    close(): void {
      if (fd === undefined) return;
      let failure: unknown;
      try {
        flush();
      } catch (error) {
        failure = error;
      }
      const open = fd;
      fd = undefined;
      try {
        closeSync(open);
      } catch (cause) {
        // A flush error (if any) is the more useful one to report.
        failure ??= new SinkError(`Cannot close ${path} (${describe(cause)}).`, { cause });
      }
      if (failure !== undefined) throw failure;
    },
  };
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
  return String(cause);
}
