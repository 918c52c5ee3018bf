/**
 * Turns bad input into typed `MediaError`s: file checks before ffmpeg starts (so a missing or
 * empty file fails in microseconds), and ffmpeg's stderr after it stops.
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MediaError } from '../errors.js';

/** True for `rtsp://`, `http://`, ... inputs that are not checked on the local disk. */
export function isUrl(input: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(input) && !input.startsWith('file://');
}

/** `file://` URLs become paths; everything else is returned unchanged. */
export function toLocalPath(input: string): string {
  return input.startsWith('file://') ? fileURLToPath(input) : input;
}

/** Removes `user:password@` from URLs so ids and messages never carry credentials. */
export function redactCredentials(input: string): string {
  return input.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** Rejects with `AUF_ERR_FILE_NOT_FOUND`, `AUF_ERR_NOT_A_FILE` or `AUF_ERR_EMPTY_FILE`. */
export async function checkInputFile(input: string): Promise<void> {
  if (isUrl(input)) return;
  const path = toLocalPath(input);
  const info = await stat(path).catch((cause: unknown) => {
    throw new MediaError(
      'AUF_ERR_FILE_NOT_FOUND',
      path,
      `File not found: "${path}". Check the path (relative paths start at ${process.cwd()}).`,
      { cause },
    );
  });
  if (!info.isFile()) {
    throw new MediaError(
      'AUF_ERR_NOT_A_FILE',
      path,
      `"${path}" is a directory or device, not a media file. Pass a video file, or use ` +
        'fromImages(folder) for a folder of still images.',
    );
  }
  if (info.size === 0) {
    throw new MediaError(
      'AUF_ERR_EMPTY_FILE',
      path,
      `"${path}" is empty (0 bytes): the download or recording did not finish. Re-create the file.`,
    );
  }
}

/** Lines in a clean exit that still mean part of the media could not be read. */
const DECODE_TROUBLE =
  /partial file|Error while decoding|Invalid data found when processing input|Invalid NAL unit/i;

/** True when stderr shows a break in the media although ffmpeg exited 0 (truncated files). */
export function hasDecodeTrouble(stderrTail: readonly string[]): boolean {
  return stderrTail.some((line) => DECODE_TROUBLE.test(line));
}

/**
 * Classifies a failed (or broken) ffmpeg run from its last stderr lines. `framesEmitted` says
 * whether any frame came out before the failure (then it is a break mid-way).
 */
export function classifyFfmpegFailure(
  source: string,
  stderrTail: readonly string[],
  exitCode: number | null,
  framesEmitted: number,
): MediaError {
  const text = stderrTail.join('\n');
  const last = stderrTail
    .filter((line) => !/^\s|^frame=|^video:/.test(line))
    .slice(-3)
    .join(' | ');
  const detail = `(ffmpeg exit ${exitCode ?? 'signal'}: ${last || 'no output'})`;
  if (/spawn error/.test(text)) {
    return new MediaError(
      'AUF_ERR_DECODE',
      source,
      `Could not start ffmpeg ${detail}. Set FFMPEG_PATH to a working ffmpeg.`,
    );
  }
  if (
    /Decoder \(codec [^)]*\) not found|Unsupported codec|Unknown decoder|codec not currently supported/i.test(
      text,
    )
  ) {
    return new MediaError(
      'AUF_ERR_UNSUPPORTED_CODEC',
      source,
      `"${source}" uses a video codec this ffmpeg cannot decode ${detail}. Convert it (e.g. ` +
        '`ffmpeg -i in -c:v libx264 out.mp4`) or use a newer ffmpeg via FFMPEG_PATH.',
    );
  }
  if (framesEmitted > 0 || /partial file|Error while decoding/i.test(text)) {
    return new MediaError(
      'AUF_ERR_DECODE',
      source,
      `"${source}" is truncated or corrupt: ffmpeg reported damaged data after decoding ${framesEmitted} ` +
        `frame(s), all of which were delivered ${detail}. Re-copy or repair the file ` +
        '(e.g. `ffmpeg -i in -c copy out.mp4`).',
    );
  }
  if (
    /matches no streams|does not contain any stream|moov atom not found|Invalid data found|Output file #0 does not contain/i.test(
      text,
    )
  ) {
    return new MediaError(
      'AUF_ERR_NO_VIDEO_STREAM',
      source,
      `"${source}" has no video stream that ffmpeg can read (audio-only, not a media file, or an ` +
        `MP4 whose index is missing) ${detail}. Pass a video file.`,
    );
  }
  return new MediaError(
    'AUF_ERR_DECODE',
    source,
    `ffmpeg could not decode "${source}" ${detail}. Check the file with \`ffprobe\`.`,
  );
}
