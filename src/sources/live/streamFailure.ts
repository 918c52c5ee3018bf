/**
 * Decides what a live connection's end means (retry, or a typed error now), and keeps
 * credentials out of every message: ffmpeg echoes the full URL, password included, on stderr.
 */
import { AufError, StreamError, type ErrorCode } from '../../errors.js';

/** Removes `user:password@` from every URL inside `text` (not only at its start). */
export function redactAll(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1');
}

/** How a connection ended, as the reconnect loop sees it. */
export interface ConnectionEnd {
  /** Retry under the backoff policy, or stop with `error`. */
  readonly retry: boolean;
  readonly error: StreamError;
}

/** What a source knows to explain a failure. */
export interface FailureContext {
  /** URL or device, credentials removed. */
  readonly source: string;
  /** `rtsp` or `webcam`: picks the advice in messages. */
  readonly kind: 'rtsp' | 'webcam';
  /** True once any frame arrived: then every failure is an outage and is retried. */
  readonly wasLive: boolean;
}

const NOT_FOUND = /404 Not Found|No such file or directory|Cannot open video device/i;
const DENIED = /401 Unauthorized|403 Forbidden|Permission denied/i;

/**
 * Classifies an error from the ffmpeg frame reader. Not found (RTSP 404, no such device) and
 * access denied are reported at once before the source was ever live (retrying cannot fix a
 * typo); once live, they too count as outages (a restarting server answers 404 for a moment).
 */
export function classifyConnectionEnd(cause: unknown, context: FailureContext): ConnectionEnd {
  const raw = cause instanceof Error ? cause.message : String(cause);
  // Keep ffmpeg's own words, not the file-oriented advice around them.
  const detail = redactAll(/\((ffmpeg exit .*)\)/s.exec(raw)?.[1] ?? raw);
  const { source, kind, wasLive } = context;
  if (cause instanceof AufError && cause.code === 'AUF_ERR_FFMPEG_NOT_FOUND') {
    return { retry: false, error: streamError('AUF_ERR_STREAM_CONNECT', detail) };
  }
  if (NOT_FOUND.test(raw)) {
    const advice =
      kind === 'rtsp'
        ? 'Check the path after the port (the server has no stream there), e.g. with `ffprobe "rtsp://host:port/path"`.'
        : 'Check the device path (`ls /dev/video*`) and that the camera is plugged in.';
    return {
      retry: wasLive,
      error: streamError('AUF_ERR_STREAM_NOT_FOUND', `${source} was not found. ${advice} (${detail})`),
    };
  }
  if (DENIED.test(raw)) {
    const advice =
      kind === 'rtsp'
        ? 'Put the right user and password in the URL (rtsp://user:password@host/path).'
        : 'Add the user to the `video` group or fix the device permissions.';
    return {
      retry: wasLive,
      error: streamError('AUF_ERR_STREAM_CONNECT', `${source} refused access. ${advice} (${detail})`),
    };
  }
  return {
    retry: true,
    error: streamError('AUF_ERR_STREAM_CONNECT', `${source} was lost or could not be reached: ${detail}`),
  };
}

/** The terminal error once `maxAttempts` reconnections in a row failed. */
export function gaveUpError(source: string, attempts: number, last: StreamError | undefined): StreamError {
  const lastWords = last ? ` Last failure: ${last.message}` : '';
  return streamError(
    'AUF_ERR_STREAM_FAILED',
    `${source} failed after ${attempts} reconnection attempt(s) in a row without a frame. Check that the ` +
      `camera or server is up and reachable, or raise "maxAttempts" (Infinity retries forever).${lastWords}`,
  );
}

function streamError(code: ErrorCode, message: string): StreamError {
  return new StreamError(code, redactAll(message));
}
