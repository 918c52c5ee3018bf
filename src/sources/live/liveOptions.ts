/**
 * Options every live source (fromRtsp, fromWebcam) shares: timeouts, reconnection policy,
 * latest-wins depth and output size. Defaults live in `LIVE_DEFAULTS`.
 */
import { OptionError } from '../../errors.js';

export interface LiveSourceOptions {
  /** Sample to this many frames per second (ffmpeg `fps` filter). Defaults to every frame (undefined). */
  readonly fps?: number;
  /** Downscale (never upscale) to at most this width in pixels, keeping aspect, even sizes. Defaults to none. */
  readonly maxWidth?: number;
  /** `Frame.sourceId`. Defaults to the URL without credentials (or the device path). */
  readonly sourceId?: string;
  /** ffmpeg binary. Defaults to `resolveFfmpeg()`: FFMPEG_PATH, system ffmpeg >= 5, embedded. */
  readonly ffmpegPath?: string;
  /** Give up on a connection that yields no first frame within this time, in ms. Defaults to 10000. */
  readonly connectTimeoutMs?: number;
  /** A live connection with no frame for this long is `stalled`: ffmpeg is killed and restarted, in ms. Defaults to 5000. */
  readonly stallTimeoutMs?: number;
  /** Wait before the first reconnection, in ms; doubles on each failed attempt. Defaults to 500. */
  readonly initialDelayMs?: number;
  /** Upper bound of the reconnection wait, in ms. Defaults to 30000. */
  readonly maxDelayMs?: number;
  /** Reconnections in a row without a frame before the source `failed`; `Infinity` retries forever. Defaults to Infinity. */
  readonly maxAttempts?: number;
  /** Random spread of each wait, as a fraction: 0.5 waits between 50% and 100% of the delay. Defaults to 0.5. */
  readonly jitter?: number;
  /** Frames retained downstream at once; newer frames then wait in a one-frame slot (latest wins). Defaults to 1. */
  readonly maxInFlight?: number;
  /** Probe the stream minimally (`-flags low_delay -probesize 32 -analyzeduration 0`): first frame ~0.9 s sooner. Defaults to true. */
  readonly lowLatency?: boolean;
  /** Reconnect when ffmpeg ends cleanly (the server stopped the stream) instead of ending. Defaults to true. */
  readonly reconnectOnEnd?: boolean;
  /** While live, status reports with fresh counts come at most this often, in ms. Defaults to 1000. */
  readonly statusIntervalMs?: number;
}

export type ResolvedLiveOptions = Required<
  Omit<LiveSourceOptions, 'fps' | 'maxWidth' | 'sourceId' | 'ffmpegPath'>
> &
  Pick<LiveSourceOptions, 'fps' | 'maxWidth' | 'sourceId' | 'ffmpegPath'>;

export const LIVE_DEFAULTS = {
  connectTimeoutMs: 10_000,
  stallTimeoutMs: 5_000,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxAttempts: Infinity,
  jitter: 0.5,
  maxInFlight: 1,
  lowLatency: true,
  reconnectOnEnd: true,
  statusIntervalMs: 1_000,
} as const;

/** Merges `LIVE_DEFAULTS` and throws `OptionError` naming the first bad option. */
export function resolveLiveOptions(options: LiveSourceOptions): ResolvedLiveOptions {
  const opts: ResolvedLiveOptions = { ...LIVE_DEFAULTS, ...options };
  const positive = (name: keyof LiveSourceOptions, value: number | undefined, unit: string): void => {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new OptionError(`Option "${name}" must be a positive number (${unit}), got ${String(value)}.`);
    }
  };
  positive('fps', opts.fps, 'frames per second');
  positive('connectTimeoutMs', opts.connectTimeoutMs, 'ms');
  positive('stallTimeoutMs', opts.stallTimeoutMs, 'ms');
  positive('initialDelayMs', opts.initialDelayMs, 'ms');
  positive('maxDelayMs', opts.maxDelayMs, 'ms');
  positive('statusIntervalMs', opts.statusIntervalMs, 'ms');
  if (opts.maxDelayMs < opts.initialDelayMs) {
    throw new OptionError(
      `Options "initialDelayMs" (${opts.initialDelayMs}) and "maxDelayMs" (${opts.maxDelayMs}): maxDelayMs must be >= initialDelayMs.`,
    );
  }
  if (!(opts.maxAttempts === Infinity || (Number.isInteger(opts.maxAttempts) && opts.maxAttempts >= 0))) {
    throw new OptionError(
      `Option "maxAttempts" must be an integer >= 0 or Infinity, got ${String(opts.maxAttempts)}.`,
    );
  }
  if (!(Number.isFinite(opts.jitter) && opts.jitter >= 0 && opts.jitter <= 1)) {
    throw new OptionError(`Option "jitter" must be a fraction in [0, 1], got ${String(opts.jitter)}.`);
  }
  if (!(Number.isInteger(opts.maxInFlight) && opts.maxInFlight >= 1)) {
    throw new OptionError(
      `Option "maxInFlight" must be an integer >= 1 (frames), got ${String(opts.maxInFlight)}.`,
    );
  }
  if (opts.maxWidth !== undefined && !(Number.isInteger(opts.maxWidth) && opts.maxWidth >= 2)) {
    throw new OptionError(
      `Option "maxWidth" must be an integer >= 2 (pixels), got ${String(opts.maxWidth)}.`,
    );
  }
  return opts;
}
