/**
 * Command lines that encode a video from frames written to ffmpeg's stdin.
 *
 * The frames arrive as a Matroska stream of raw rgb24 pictures with their own timestamps (see
 * render/rawMatroska.ts), so `-fps_mode passthrough` keeps every frame at its pts: none is
 * duplicated or dropped, and variable frame rates survive. The encoder time base is fixed so
 * common frame rates are exact: 1/120000 s for H.264 (30, 25, 24, 60, 30000/1001 and
 * 24000/1001 fps all land on whole ticks) and 1/30000 s for MPEG-4 part 2, whose standard caps
 * the denominator at 65535 (24000/1001 fps rounds there).
 *
 * H.264 (`libx264`, yuv420p, CRF 20, preset veryfast) is used when the binary has it, else
 * MPEG-4 part 2 (`mpeg4`, q 3): both play everywhere. yuv420p needs even sizes, so an odd width
 * or height is padded by one pixel.
 */
import { execFile } from 'node:child_process';
import type { FfmpegBinary } from './resolveFfmpeg.js';

/** Video codecs `encodeArgs` can write. */
export type VideoCodec = 'libx264' | 'mpeg4';

const TIME_BASE: Readonly<Record<VideoCodec, string>> = { libx264: '1/120000', mpeg4: '1/30000' };
const cache = new Map<string, Promise<VideoCodec>>();

/** `libx264` when `ffmpeg -encoders` lists it, else `mpeg4` (built into every ffmpeg); cached per binary. */
export function pickVideoCodec(binary: FfmpegBinary): Promise<VideoCodec> {
  let found = cache.get(binary.path);
  if (!found) {
    found = new Promise<VideoCodec>((resolve) => {
      execFile(binary.path, ['-hide_banner', '-encoders'], { timeout: 10_000 }, (error, stdout) => {
        // A failing listing is not fatal: mpeg4 is always compiled in.
        resolve(!error && /^\s*V\S*\s+libx264\s/m.test(stdout) ? 'libx264' : 'mpeg4');
      });
    });
    cache.set(binary.path, found);
  }
  return found;
}

/** Arguments that read a raw-video Matroska stream on stdin and write `output` (format from its extension). */
export function encodeArgs(binary: FfmpegBinary, output: string, codec: VideoCodec): string[] {
  const args = ['-hide_banner', '-nostats', '-loglevel', 'error', '-y', '-f', 'matroska', '-i', 'pipe:0'];
  args.push('-map', '0:v:0', '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-pix_fmt', 'yuv420p');
  if (codec === 'libx264') args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20');
  else args.push('-c:v', 'mpeg4', '-q:v', '3');
  args.push('-enc_time_base', TIME_BASE[codec]);
  args.push(...(binary.major >= 5 ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough']));
  if (/\.(mp4|mov|m4v)$/i.test(output)) args.push('-movflags', '+faststart');
  args.push(output);
  return args;
}
