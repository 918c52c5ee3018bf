/**
 * Command line that turns one raw rgb24 picture on ffmpeg's stdin into one JPEG on its stdout,
 * downscaled: the dashboard's preview thumbnails (see hub/PreviewEncoder.ts).
 *
 * One short-lived ffmpeg per thumbnail rather than one persistent encoder per source: at about
 * one picture a second the start-up (measured: ~70 ms wall, ~50 ms CPU per 1280x720 frame with
 * Debian's ffmpeg 5.1, against ~10 ms in a warm encoder) costs a few percent of a core, and in exchange a source whose size changes
 * (an RTSP camera reconnecting at another resolution) needs nothing special, no JPEG stream has
 * to be split at its markers, and no ffmpeg idles between thumbnails.
 *
 * The output size is computed here (not by ffmpeg's `-2`), so the caller can advertise it: the
 * width is at most `maxWidth`, never upscaled, and both sides are even (yuvj420p chroma).
 */
import type { FfmpegBinary } from './resolveFfmpeg.js';

export interface JpegSize {
  /** Pixels. */
  readonly width: number;
  readonly height: number;
}

/** The thumbnail size for a `width` x `height` frame: at most `maxWidth` wide, aspect kept, even sides >= 2. */
export function thumbnailSize(width: number, height: number, maxWidth: number): JpegSize {
  const even = (n: number): number => Math.max(2, 2 * Math.round(n / 2));
  const outWidth = even(Math.min(width, maxWidth));
  return { width: outWidth, height: even((height * outWidth) / width) };
}

/**
 * Arguments that read one `input` sized rgb24 picture from `pipe:0` and write one baseline JPEG
 * of `output` size to `pipe:1`. `quality` is mjpeg's `-q:v`, 2 (best) .. 31 (smallest).
 */
export function jpegArgs(
  _binary: FfmpegBinary,
  input: JpegSize,
  output: JpegSize,
  quality: number,
): string[] {
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    `${input.width}x${input.height}`,
    '-i',
    'pipe:0',
    '-frames:v',
    '1',
    '-vf',
    `scale=${output.width}:${output.height}:flags=bilinear`,
    '-pix_fmt',
    'yuvj420p',
    '-c:v',
    'mjpeg',
    '-q:v',
    String(quality),
    '-f',
    'image2pipe',
    'pipe:1',
  ];
}
