/**
 * The reconnecting frame loop every live source runs: one ffmpeg at a time, a watchdog for
 * connect and stall timeouts, exponential backoff between attempts, latest-wins hand-off and
 * a status report on each state change.
 *
 * ```
 * state   connecting--live----------stalled/reconnecting--(backoff)--live-----...--failed#
 * ffmpeg  [run 1.........]  (killed)                      [run 2........]   (maxAttempts)
 * frames  ------f0-f1-f2-----------------------------------f3-f4-----------------#StreamError
 * ```
 * Attempts count reconnections in a row that produced no frame; the first frame of a
 * connection resets them. Unsubscribing kills ffmpeg, clears every timer and reports `ended`.
 */
import { Observable, from, mergeMap, type Subscription } from 'rxjs';
import { StreamError } from '../../errors.js';
import { ffmpegFrames } from '../../ffmpeg/ffmpegFrames.js';
import type { Frame } from '../../types/frame.js';
import type { SourceStatus } from '../../types/sourceStatus.js';
import { backoffDelayMs } from './backoff.js';
import { LatestWins } from './latestWins.js';
import type { ResolvedLiveOptions } from './liveOptions.js';
import { MediaClock } from './mediaClock.js';
import { StatusReporter } from './statusReporter.js';
import { classifyConnectionEnd, gaveUpError, redactAll } from './streamFailure.js';

/** ffmpeg and its arguments for one connection attempt. */
export interface LiveCommand {
  readonly ffmpegPath: string;
  readonly args: readonly string[];
}

export interface LiveFramesConfig {
  readonly sourceId: string;
  /** URL or device, credentials removed (for messages). */
  readonly source: string;
  readonly kind: 'rtsp' | 'webcam';
  readonly options: ResolvedLiveOptions;
  /** Builds the command for each attempt; a rejection is classified like an ffmpeg failure. */
  readonly prepare: () => Promise<LiveCommand>;
  readonly onStatus: (status: SourceStatus) => void;
  /** Jitter source in [0, 1). Defaults to Math.random. */
  readonly random?: () => number;
}

/** Cold: each subscription runs its own reconnect loop. */
export function liveFrames(config: LiveFramesConfig): Observable<Frame> {
  return new Observable<Frame>((subscriber) => {
    const { options: opts, source, sourceId } = config;
    const slot = new LatestWins(opts.maxInFlight, (frame) => subscriber.next(frame));
    const status = new StatusReporter(sourceId, opts.statusIntervalMs, () => slot.dropped, config.onStatus);
    const clock = new MediaClock();
    let connection: Subscription | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    let attempts = 0;
    let wasLive = false;
    let live = false;
    let stopped = false;

    const arm = (ms: number, onFire: () => void): void => {
      if (watchdog) clearTimeout(watchdog);
      watchdog = setTimeout(onFire, ms);
    };

    function closeConnection(): void {
      if (watchdog) clearTimeout(watchdog);
      watchdog = undefined;
      connection?.unsubscribe();
      connection = undefined;
    }

    function connect(): void {
      live = false;
      clock.reanchor();
      arm(opts.connectTimeoutMs, () =>
        lose(
          new StreamError(
            'AUF_ERR_STREAM_CONNECT',
            `${source} sent no frame within ${opts.connectTimeoutMs} ms of connecting. Check that it is up, or raise "connectTimeoutMs".`,
          ),
        ),
      );
      connection = from(config.prepare())
        .pipe(
          mergeMap((command) =>
            ffmpegFrames(command.ffmpegPath, command.args, {
              sourceId,
              source,
              highWaterMark: Number.MAX_SAFE_INTEGER, // never pause: the slot below drops instead
              ptsMs: (showinfoMs) => showinfoMs,
            }),
          ),
        )
        .subscribe({
          next: onFrame,
          error: (error: unknown) => onEnd(error),
          complete: () => onEnd(undefined),
        });
    }

    function onFrame(raw: Frame): void {
      if (stopped) return;
      const index = status.framesIn;
      status.framesIn += 1;
      status.lastFrameAtMs = raw.capturedAtMs;
      arm(opts.stallTimeoutMs, onStall);
      if (!live) {
        live = true;
        wasLive = true;
        attempts = 0;
        status.set('live');
      } else {
        status.touch();
      }
      const ptsMs = clock.map(raw.ptsMs, raw.capturedAtMs);
      if (ptsMs === undefined) {
        status.outOfOrder += 1;
        return;
      }
      slot.offer({ ...raw, sourceId, index, ptsMs });
    }

    function onStall(): void {
      const error = new StreamError(
        'AUF_ERR_STREAM_CONNECT',
        `${source} sent no frame for ${opts.stallTimeoutMs} ms (stalled); reconnecting. Raise "stallTimeoutMs" for sources that pause on purpose.`,
      );
      status.set('stalled', { code: error.code, message: error.message });
      lose(error);
    }

    function onEnd(cause: unknown): void {
      if (stopped) return;
      if (cause === undefined && !opts.reconnectOnEnd) {
        finish();
        status.set('ended');
        subscriber.complete();
        return;
      }
      const verdict =
        cause === undefined
          ? {
              retry: true,
              error: new StreamError('AUF_ERR_STREAM_CONNECT', `${source} ended the stream; reconnecting.`),
            }
          : classifyConnectionEnd(cause, { source, kind: config.kind, wasLive });
      if (verdict.retry) lose(verdict.error);
      else fail(verdict.error);
    }

    /** The connection is gone: schedule the next attempt, or give up. */
    function lose(error: StreamError): void {
      closeConnection();
      if (attempts >= opts.maxAttempts) {
        fail(gaveUpError(source, attempts, error));
        return;
      }
      attempts += 1;
      status.reconnects += 1;
      status.set('reconnecting', { code: error.code, message: redactAll(error.message) });
      retryTimer = setTimeout(
        () => {
          retryTimer = undefined;
          connect();
        },
        backoffDelayMs(attempts, opts, config.random),
      );
    }

    function fail(error: StreamError): void {
      finish();
      status.set('failed', { code: error.code, message: error.message });
      subscriber.error(error);
    }

    function finish(): void {
      stopped = true;
      closeConnection();
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      slot.close();
      status.dispose();
    }

    status.set('connecting');
    connect();
    return () => {
      if (stopped) return;
      finish();
      status.set('ended');
      status.dispose();
    };
  });
}
