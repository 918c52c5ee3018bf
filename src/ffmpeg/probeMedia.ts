/**
 * Describes a media file before decoding it (duration for progress bars, size, codec).
 *
 * Uses ffprobe's JSON when an ffprobe sits next to the chosen ffmpeg or on PATH; otherwise
 * (the embedded build has no ffprobe) parses the stream summary that `ffmpeg -i` prints.
 *
 * Example:
 * ```ts
 * import { probeMedia } from 'auformer-stream';
 * await probeMedia('assets/sample/faces.mp4');
 * // { durationMs: 6000, fps: 30, width: 1280, height: 720, codec: 'h264', rotation: 0, decoder: '/usr/bin/ffmpeg 5.1.9-0+deb12u1' }
 * ```
 */
import { execFile } from 'node:child_process';
import { MediaError } from '../errors.js';
import { ffprobeArgs, infoArgs } from './ffmpegArgs.js';
import { checkInputFile, classifyFfmpegFailure, redactCredentials } from './mediaErrors.js';
import { describeBinary, resolveFfmpeg } from './resolveFfmpeg.js';

/** What `probeMedia` found; sizes are after rotation (what decoded frames will have). */
export interface MediaInfo {
  readonly durationMs?: number;
  /** Average frame rate, frames per second. */
  readonly fps?: number;
  readonly width?: number;
  readonly height?: number;
  readonly codec?: string;
  /** Clockwise rotation the player (and ffmpeg's autorotate) applies, in degrees: 0, 90, 180, 270. */
  readonly rotation: number;
  /** ffmpeg binary and version that will decode it. */
  readonly decoder: string;
}

export interface ProbeOptions {
  /** ffmpeg binary; defaults to `resolveFfmpeg()`'s choice. */
  readonly ffmpegPath?: string;
  /** Set false to parse `ffmpeg -i` even when ffprobe exists. Defaults to true. */
  readonly useFfprobe?: boolean;
}

/** Probes `path`; rejects with a `MediaError` (`AUF_ERR_FILE_NOT_FOUND`, `AUF_ERR_NO_VIDEO_STREAM`, ...). */
export async function probeMedia(path: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  await checkInputFile(path);
  const binary = await resolveFfmpeg(options.ffmpegPath);
  const source = redactCredentials(path);
  const decoder = describeBinary(binary);
  if (binary.ffprobePath && options.useFfprobe !== false) {
    const { code, stdout, stderr } = await execute(binary.ffprobePath, ffprobeArgs(path));
    if (code !== 0) throw classifyFfmpegFailure(source, stderr.split('\n'), code, 0);
    return { ...fromFfprobe(source, stdout), decoder };
  }
  const { stderr } = await execute(binary.path, infoArgs(path));
  return { ...fromFfmpegInfo(source, stderr), decoder };
}

function fromFfprobe(source: string, json: string): Omit<MediaInfo, 'decoder'> {
  const parsed = JSON.parse(json) as {
    streams?: {
      codec_name?: string;
      width?: number;
      height?: number;
      avg_frame_rate?: string;
      r_frame_rate?: string;
      duration?: string;
      tags?: { rotate?: string };
      side_data_list?: { rotation?: number }[];
    }[];
    format?: { duration?: string };
  };
  const stream = parsed.streams?.[0];
  if (!stream) throw noVideo(source);
  const sideRotation = stream.side_data_list?.find((s) => s.rotation !== undefined)?.rotation;
  const rotation = normalise(sideRotation !== undefined ? -sideRotation : Number(stream.tags?.rotate ?? 0));
  const seconds = Number(parsed.format?.duration ?? stream.duration);
  return withSize(stream.width, stream.height, rotation, {
    ...(Number.isFinite(seconds) ? { durationMs: Math.round(seconds * 1000) } : {}),
    ...rate(stream.avg_frame_rate ?? stream.r_frame_rate),
    ...(stream.codec_name ? { codec: stream.codec_name } : {}),
  });
}

function fromFfmpegInfo(source: string, stderr: string): Omit<MediaInfo, 'decoder'> {
  const video = /Stream #\d+:\d+.*?: Video: ([^\s,]+).*?, (\d{2,5})x(\d{2,5})[\s,].*/.exec(stderr);
  if (!video) throw classifyFfmpegFailure(source, [...stderr.split('\n'), 'matches no streams'], 1, 0);
  const after = stderr.slice(video.index);
  const fps = /, ([\d.]+) fps/.exec(video[0])?.[1];
  const matrix = /displaymatrix: rotation of (-?[\d.]+) degrees/.exec(after)?.[1];
  const tag = /^\s+rotate\s+:\s*(-?\d+)/m.exec(after)?.[1];
  const rotation = normalise(matrix !== undefined ? -Number(matrix) : Number(tag ?? 0));
  const duration = /Duration: (\d+):(\d+):([\d.]+)/.exec(stderr);
  return withSize(Number(video[2]), Number(video[3]), rotation, {
    ...(duration
      ? {
          durationMs: Math.round(
            (Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])) * 1000,
          ),
        }
      : {}),
    ...(fps ? { fps: Number(fps) } : {}),
    codec: video[1] ?? 'unknown',
  });
}

function withSize(
  width: number | undefined,
  height: number | undefined,
  rotation: number,
  rest: Partial<MediaInfo>,
): Omit<MediaInfo, 'decoder'> {
  const swap = rotation === 90 || rotation === 270;
  return {
    ...rest,
    ...(width && height ? { width: swap ? height : width, height: swap ? width : height } : {}),
    rotation,
  };
}

function rate(fraction: string | undefined): { fps?: number } {
  const [num, den] = (fraction ?? '').split('/').map(Number);
  return num && den ? { fps: Math.round((num / den) * 1000) / 1000 } : {};
}

function normalise(degrees: number): number {
  return Number.isFinite(degrees) ? (((Math.round(degrees / 90) * 90) % 360) + 360) % 360 : 0;
}

function noVideo(source: string): MediaError {
  return new MediaError(
    'AUF_ERR_NO_VIDEO_STREAM',
    source,
    `"${source}" has no video stream (audio-only or not a media file). Pass a video file.`,
  );
}

function execute(
  cmd: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 20_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr: error && !stderr ? `spawn error: ${error.message}` : stderr });
    });
  });
}
