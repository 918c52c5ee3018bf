/**
 * ffmpeg command lines for live inputs (RTSP cameras, v4l2 webcams).
 *
 * The output half (filters, `showinfo` pairing, rgb24 on stdout) is `decodeArgs`'s, so live and
 * file sources cut frames the same way; only input options are added in front of `-i`.
 *
 * The RTSP socket timeout option changed name and meaning across ffmpeg versions:
 * - ffmpeg >= 5: `-timeout` is the socket I/O timeout in microseconds.
 * - ffmpeg <= 4 (and the embedded 2018 build, major 0): `-timeout` means *listen as a server*
 *   (in seconds), and the socket I/O timeout is `-stimeout`, in microseconds.
 */
import { decodeArgs } from './ffmpegArgs.js';
import type { FfmpegBinary } from './resolveFfmpeg.js';

/**
 * Probe as little as possible: the first frame arrives ~0.2-0.3 s after start instead of ~1.1 s
 * (ffmpeg 5.1, measured in docs/live-sources.md). `-fflags nobuffer` is left out on purpose: it
 * throws away the packets read while probing, which hold the first keyframe, so the first frame
 * then waits a whole GOP (1 s on the test stream, often 2-4 s on cameras).
 */
export const LOW_LATENCY_INPUT_ARGS: readonly string[] = [
  '-flags',
  'low_delay',
  '-probesize',
  '32',
  '-analyzeduration',
  '0',
];

/** What every live input shares. */
export interface LiveOutputArgs {
  /** Resample to this many frames per second (ffmpeg `fps` filter). */
  readonly fps?: number;
  /** Downscale (never upscale) to at most this width, in pixels. */
  readonly maxWidth?: number;
  /** Add `LOW_LATENCY_INPUT_ARGS` before `-i`. */
  readonly lowLatency?: boolean;
}

export interface RtspArgsOptions extends LiveOutputArgs {
  /** RTP over the RTSP TCP connection (`tcp`) or over separate UDP ports (`udp`). */
  readonly transport: 'tcp' | 'udp';
  /** Socket connect/read timeout in milliseconds (0 = ffmpeg's default, none). */
  readonly connectTimeoutMs: number;
}

export interface WebcamArgsOptions extends LiveOutputArgs {
  /** Capture size asked of the device, e.g. `1280x720`. */
  readonly videoSize?: string;
  /** Capture rate asked of the device, frames per second. */
  readonly frameRate?: number;
  /** Pixel format asked of the device (`mjpeg`, `yuyv422`, ...). */
  readonly inputFormat?: string;
}

/** Arguments that decode an RTSP URL to rgb24 frames on stdout (credentials stay in `url`). */
export function rtspArgs(binary: FfmpegBinary, url: string, options: RtspArgsOptions): string[] {
  const input = ['-rtsp_transport', options.transport];
  if (options.connectTimeoutMs > 0) {
    const micros = String(Math.round(options.connectTimeoutMs * 1000));
    input.push(binary.major >= 5 ? '-timeout' : '-stimeout', micros);
  }
  return withInputArgs(binary, url, options, input);
}

/** Arguments that capture a v4l2 device (`/dev/video0`) to rgb24 frames on stdout. */
export function webcamArgs(binary: FfmpegBinary, device: string, options: WebcamArgsOptions): string[] {
  const input = ['-f', 'v4l2'];
  if (options.inputFormat !== undefined) input.push('-input_format', options.inputFormat);
  if (options.frameRate !== undefined) input.push('-framerate', String(options.frameRate));
  if (options.videoSize !== undefined) input.push('-video_size', options.videoSize);
  return withInputArgs(binary, device, options, input);
}

function withInputArgs(
  binary: FfmpegBinary,
  input: string,
  options: LiveOutputArgs,
  inputArgs: string[],
): string[] {
  const output: { fps?: number; maxWidth?: number } = {};
  if (options.fps !== undefined) output.fps = options.fps;
  if (options.maxWidth !== undefined) output.maxWidth = options.maxWidth;
  const args = decodeArgs(binary, input, output);
  const at = args.indexOf('-i');
  const extra = options.lowLatency ? [...LOW_LATENCY_INPUT_ARGS, ...inputArgs] : inputArgs;
  args.splice(at, 0, ...extra);
  return args;
}
