/**
 * Probes a video file and returns its description with the frames, for consumers that need
 * both up front: the JSONL header (source metadata) and the CLI's progress bar (duration, fps).
 *
 * Example:
 * ```ts
 * import { openFile } from 'auformer-stream';
 * const { info, frames } = await openFile('assets/sample/faces.mp4', { maxWidth: 640 });
 * // info: { sourceId: 'assets/sample/faces.mp4', kind: 'file', durationMs: 6000, fps: 30,
 * //         width: 640, height: 360, codec: 'h264', decoder: '/usr/bin/ffmpeg 5.1.9-0+deb12u1' }
 * frames.subscribe(...);
 * ```
 */
import type { Observable } from 'rxjs';
import { redactCredentials, toLocalPath } from '../ffmpeg/mediaErrors.js';
import { probeMedia } from '../ffmpeg/probeMedia.js';
import type { Frame, SourceInfo } from '../types/frame.js';
import { type FileSourceOptions, fromFile } from './fromFile.js';

export interface OpenedFile {
  /** `width`/`height` are those of the frames (after rotation and `maxWidth`). */
  readonly info: SourceInfo;
  /** Cold, like `fromFile`: decoding starts on subscribe. */
  readonly frames: Observable<Frame>;
}

/** Rejects with the same `MediaError`s as `fromFile` (missing, empty, not a video, ...). */
export async function openFile(pathOrUrl: string, options: FileSourceOptions = {}): Promise<OpenedFile> {
  const frames = fromFile(pathOrUrl, options); // validates options first
  const media = await probeMedia(
    toLocalPath(pathOrUrl),
    options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {},
  );
  let { width, height } = media;
  if (width && height && options.maxWidth !== undefined) {
    // Mirrors decodeArgs' scale: even width at most maxWidth, height -2 (even, aspect kept).
    const target =
      width > options.maxWidth ? Math.floor(options.maxWidth / 2) * 2 : Math.floor(width / 2) * 2;
    height = Math.round((height * target) / width / 2) * 2;
    width = target;
  }
  const info: SourceInfo = {
    sourceId: options.sourceId ?? redactCredentials(toLocalPath(pathOrUrl)),
    kind: 'file',
    ...(media.durationMs !== undefined ? { durationMs: media.durationMs } : {}),
    ...(media.fps !== undefined ? { fps: media.fps } : {}),
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    ...(media.codec !== undefined ? { codec: media.codec } : {}),
    decoder: media.decoder,
  };
  return { info, frames };
}
