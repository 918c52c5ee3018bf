/**
 * The one place that builds ffmpeg and ffprobe command lines.
 *
 * Decoding writes raw rgb24 frames to stdout and ends its filter chain with `showinfo`, whose
 * per-frame log line on stderr (`n:`, `pts:`, `s:WxH`) gives each frame's container timestamp
 * and size: raw video carries neither. Frame timing is passed through (`-fps_mode passthrough`,
 * `-vsync passthrough` before ffmpeg 5) so variable-frame-rate media is neither duplicated nor
 * dropped; rotation side data is applied by ffmpeg's default autorotate.
 */
import type { FfmpegBinary } from './resolveFfmpeg.js';

/** What to decode; all times in milliseconds of media time. */
export interface DecodeArgsOptions {
  /** Seek (accurate: frames before it are decoded and dropped by ffmpeg). */
  readonly startMs?: number;
  /** Stop before this media time. */
  readonly endMs?: number;
  /** Resample to this many frames per second with ffmpeg's `fps` filter. */
  readonly fps?: number;
  /** Downscale (never upscale) to at most this width, keeping the aspect ratio, even sizes. */
  readonly maxWidth?: number;
  /** Image inputs: decode only the first frame (animated images give their first frame). */
  readonly still?: boolean;
}

/** Arguments that decode the first video stream of `input` to rgb24 frames on stdout. */
export function decodeArgs(binary: FfmpegBinary, input: string, options: DecodeArgsOptions = {}): string[] {
  const args = ['-hide_banner', '-nostats', '-nostdin', '-loglevel', 'info'];
  if (options.startMs !== undefined && options.startMs > 0) args.push('-ss', seconds(options.startMs));
  if (options.endMs !== undefined) args.push('-t', seconds(options.endMs - (options.startMs ?? 0)));
  args.push('-i', input, '-map', '0:v:0', '-an', '-sn', '-dn');
  const filters: string[] = [];
  if (options.fps !== undefined) filters.push(`fps=${options.fps}`);
  if (options.maxWidth !== undefined) {
    const max = Math.max(2, Math.floor(options.maxWidth / 2) * 2);
    filters.push(`scale=w='if(gt(iw\\,${max})\\,${max}\\,trunc(iw/2)*2)':h=-2`);
  }
  // Checksums cost ~1 ms per 720p frame; the option exists from ffmpeg 5 on.
  filters.push(binary.major >= 5 ? 'showinfo=checksum=0' : 'showinfo');
  args.push('-vf', filters.join(','));
  if (options.still) args.push('-frames:v', '1');
  else args.push(...(binary.major >= 5 ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough']));
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  return args;
}

/** ffprobe arguments printing the first video stream and the container as JSON. */
export function ffprobeArgs(input: string): string[] {
  return [
    '-hide_banner',
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,width,height,avg_frame_rate,r_frame_rate,duration:stream_tags=rotate:' +
      'stream_side_data=rotation:format=duration,format_name',
    '-of',
    'json',
    input,
  ];
}

/** `ffmpeg -i input` with no output: prints the stream description to stderr (exit code 1). */
export function infoArgs(input: string): string[] {
  return ['-hide_banner', '-nostdin', '-i', input];
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(6);
}
