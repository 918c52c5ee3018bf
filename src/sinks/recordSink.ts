/**
 * The lifecycle shared by the file sinks: a pass-through operator that writes lines for the
 * records it handles and never loses one.
 *
 * The file is opened at subscribe time (an unwritable path fails at once, before any work is
 * done) and closed, with everything buffered written, on every way a subscription can end:
 *
 * ```
 * records  --a--b--c--|          --a--b--#            --a--b--  (unsubscribe: SIGINT)
 * file     [h a  b  c ] closed   [h a  b ] closed, #   [h a  b ] closed
 * output   --a--b--c--|          --a--b--#            --a--b--
 * ```
 *
 * A record is written before it is passed on, so whatever downstream saw is in the file.
 * Writes are synchronous (`openLineFile`), so a teardown that runs inside a SIGINT handler has
 * finished writing when `unsubscribe()` returns, and completion is emitted only after close.
 */
import { defer, tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { AnalysisRecord } from '../types/result.js';
import { openLineFile } from './lineFile.js';

/** What a file sink writes; `recordSink` owns when. */
export interface RecordSinkSpec {
  readonly path: string;
  /** Lines kept in memory between writes (see `openLineFile`). */
  readonly flushEveryLines: number;
  /** Lines that start the file, asked for once, just before the first record is written. */
  readonly header: () => readonly string[];
  /** Lines for one record; `[]` for kinds this sink does not write. */
  readonly lines: (record: AnalysisRecord) => readonly string[];
  /** Lines that end the file (e.g. a summary), asked for once when it closes, however it ends. */
  readonly footer?: () => readonly string[];
}

/**
 * Returns the operator. Errors: the upstream error is propagated after the file is closed
 * (when closing fails too, the upstream error still wins: it is the root cause); a write or
 * close failure of the sink itself is a `SinkError` (`AUF_ERR_SINK_WRITE`) and unsubscribes
 * upstream. A close failure during unsubscribe is thrown from `unsubscribe()` (RxJS wraps it
 * in an `UnsubscriptionError`), since no error channel is left.
 */
export function recordSink(spec: RecordSinkSpec): MonoTypeOperatorFunction<AnalysisRecord> {
  return (source) =>
    defer(() => {
      // Throws SinkError here, at subscribe time, for an unwritable path; defer forwards it.
      const file = openLineFile(spec.path, { flushEveryLines: spec.flushEveryLines });
      let open = true;
      let headerWritten = false;

      const writeHeader = (): void => {
        if (headerWritten) return;
        headerWritten = true;
        for (const text of spec.header()) file.write(text);
      };
      /** Closes once, returning the first failure so each caller can pick its channel. */
      const close = (): unknown => {
        if (!open) return undefined;
        open = false;
        let failure: unknown;
        try {
          writeHeader(); // an empty run still yields a file with its header
          for (const text of spec.footer?.() ?? []) file.write(text);
        } catch (error) {
          failure = error;
        }
        try {
          file.close();
        } catch (error) {
          failure ??= error;
        }
        return failure;
      };
      const closeOrThrow = (): void => {
        const failure = close();
        if (failure !== undefined) throw failure;
      };

      return source.pipe(
        tap({
          next: (record) => {
            try {
              writeHeader();
              for (const text of spec.lines(record)) file.write(text);
            } catch (error) {
              close(); // the write failure is the error to report, not a second one
              throw error;
            }
          },
          // Upstream error: keep what was computed; it is reported, not a close failure.
          error: () => void close(),
          // Throwing here turns completion into the close failure.
          complete: closeOrThrow,
          // Unsubscribe (SIGINT, take, ...): no-op when already closed above.
          finalize: closeOrThrow,
        }),
      );
    });
}
