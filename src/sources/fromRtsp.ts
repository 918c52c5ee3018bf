/**
 * Pulls an RTSP camera (or any RTSP server) as RGB frames that survive outages.
 *
 * ffmpeg reads the stream over TCP (default) or UDP; a lost, refused or silent connection is
 * retried with exponential backoff and jitter, and the status stream says what is happening.
 * Frames are latest-wins: a slow pipeline gets the newest frame, never a growing queue.
 *
 * ```
 * fromRtsp(url).frames   --f0--f1--f2------(server down)----------f3--f4--
 * fromRtsp(url).status   c--L-------------S--R--------------R-------L-----
 *                        c connecting, L live, S stalled, R reconnecting
 * ```
 * `ptsMs` is the stream's media time, kept increasing across reconnections (an outage appears
 * as a gap of its wall-clock length); `capturedAtMs` is the wall clock at arrival.
 *
 * Example:
 * ```ts
 * import { fromRtsp } from 'auformer-stream';
 * const cam = fromRtsp('rtsp://user:pass@10.0.0.7:554/stream1', { maxWidth: 640, fps: 10 });
 * cam.status.subscribe((s) => console.log(s.sourceId, s.state, s.reconnects, s.droppedFrames));
 * cam.frames.subscribe((f) => console.log(f.index, f.ptsMs, f.width, f.height));
 * // rtsp://10.0.0.7:554/stream1 connecting 0 0
 * // rtsp://10.0.0.7:554/stream1 live 0 0
 * // 0 0 640 360, 1 100 640 360, ...
 * ```
 * @see docs/live-sources.md for options, states, error codes and latency measurements.
 */
import { OptionError } from '../errors.js';
import { rtspArgs } from '../ffmpeg/liveArgs.js';
import { redactCredentials } from '../ffmpeg/mediaErrors.js';
import { resolveFfmpeg } from '../ffmpeg/resolveFfmpeg.js';
import { type LiveSourceOptions, resolveLiveOptions } from './live/liveOptions.js';
import { type LiveSource, createLiveSource } from './live/liveSource.js';

export interface RtspSourceOptions extends LiveSourceOptions {
  /** RTP over the RTSP TCP connection (`tcp`, firewall-friendly, no loss) or over UDP ports (`udp`). Defaults to `tcp`. */
  readonly transport?: 'tcp' | 'udp';
  /** Jitter source in [0, 1) for reconnection waits. Defaults to Math.random. */
  readonly random?: () => number;
}

const TRANSPORTS = ['tcp', 'udp'] as const;

export function fromRtsp(url: string, options: RtspSourceOptions = {}): LiveSource {
  const { transport = 'tcp', random, ...live } = options;
  const opts = resolveLiveOptions(live);
  const source = redactCredentials(url);
  if (!/^rtsps?:\/\//i.test(url)) {
    throw new OptionError(
      `fromRtsp needs an rtsp:// or rtsps:// URL, got "${source}". Use fromFile for files and HTTP URLs.`,
    );
  }
  if (!TRANSPORTS.includes(transport)) {
    throw new OptionError(
      `Option "transport" must be one of: ${TRANSPORTS.join(', ')}; got ${String(transport)}.`,
    );
  }
  return createLiveSource({
    sourceId: opts.sourceId ?? source,
    source,
    kind: 'rtsp',
    options: opts,
    ...(random ? { random } : {}),
    prepare: async () => {
      const binary = await resolveFfmpeg(opts.ffmpegPath);
      const args = rtspArgs(binary, url, {
        transport,
        connectTimeoutMs: opts.connectTimeoutMs,
        lowLatency: opts.lowLatency,
        ...(opts.fps !== undefined ? { fps: opts.fps } : {}),
        ...(opts.maxWidth !== undefined ? { maxWidth: opts.maxWidth } : {}),
      });
      return { ffmpegPath: binary.path, args };
    },
  });
}
