/**
 * Decodes still images (jpg, png, bmp, webp, tiff, ...) into one RGB frame each, with ffmpeg.
 *
 * Images have no timestamps, so they are spaced `intervalMs` apart in media time; temporal
 * operators (smoothing, events) then see a slide show at a known rate.
 *
 * ```
 * fromImages('photos/')   -a.jpg(0 ms)--b.png(1000 ms)--c.jpg(2000 ms)--|
 * ```
 *
 * Example:
 * ```ts
 * import { fromImages } from 'auformer-stream';
 * fromImages('assets/photos', { maxWidth: 960 }).subscribe((f) => console.log(f.index, f.ptsMs, f.sourceId));
 * // 0 0 assets/photos/sample1.jpg, 1 1000 assets/photos/sample2.jpg, ...
 * ```
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { catchError, concat, defer, from, mergeMap, type Observable, throwError } from 'rxjs';
import { MediaError, OptionError } from '../errors.js';
import { decodeArgs } from '../ffmpeg/ffmpegArgs.js';
import { ffmpegFrames } from '../ffmpeg/ffmpegFrames.js';
import { checkInputFile } from '../ffmpeg/mediaErrors.js';
import { resolveFfmpeg } from '../ffmpeg/resolveFfmpeg.js';
import type { Frame } from '../types/frame.js';

export interface ImageSourceOptions {
  /** Media time between consecutive images: `ptsMs = index * intervalMs`. Defaults to 1000 ms. */
  readonly intervalMs?: number;
  /** Downscale (never upscale) to at most this width in pixels, keeping aspect. Defaults to none. */
  readonly maxWidth?: number;
  /** `Frame.sourceId` for every image. Defaults to each image's own path. */
  readonly sourceId?: string;
  /** Frames retained downstream before decoding pauses. Defaults to 4. */
  readonly highWaterMark?: number;
  /** ffmpeg binary. Defaults to `resolveFfmpeg()`'s choice. */
  readonly ffmpegPath?: string;
}

const DEFAULTS: { readonly intervalMs: number; readonly highWaterMark: number } = {
  intervalMs: 1000,
  highWaterMark: 4,
};

/** File extensions picked from a folder (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.png',
  '.bmp',
  '.webp',
  '.tif',
  '.tiff',
  '.ppm',
  '.pgm',
];

/** A folder (its images, sorted by name, numbers in natural order), one image path, or a list. */
export function fromImages(
  pathsOrFolder: string | readonly string[],
  options: ImageSourceOptions = {},
): Observable<Frame> {
  const opts = { ...DEFAULTS, ...options };
  if (!(Number.isFinite(opts.intervalMs) && opts.intervalMs > 0)) {
    throw new OptionError(
      `Option "intervalMs" must be a positive number (ms), got ${String(opts.intervalMs)}.`,
    );
  }
  if (!(Number.isInteger(opts.highWaterMark) && opts.highWaterMark >= 1)) {
    throw new OptionError(
      `Option "highWaterMark" must be an integer >= 1 (frames), got ${String(opts.highWaterMark)}.`,
    );
  }
  if (opts.maxWidth !== undefined && !(Number.isInteger(opts.maxWidth) && opts.maxWidth >= 2)) {
    throw new OptionError(
      `Option "maxWidth" must be an integer >= 2 (pixels), got ${String(opts.maxWidth)}.`,
    );
  }
  return defer(() => from(Promise.all([listImages(pathsOrFolder), resolveFfmpeg(opts.ffmpegPath)]))).pipe(
    mergeMap(([paths, binary]) =>
      concat(
        ...paths.map((path, index) =>
          defer(() => from(checkInputFile(path))).pipe(
            mergeMap(() =>
              ffmpegFrames(
                binary.path,
                decodeArgs(binary, path, {
                  still: true,
                  ...(opts.maxWidth ? { maxWidth: opts.maxWidth } : {}),
                }),
                {
                  sourceId: opts.sourceId ?? path,
                  source: path,
                  highWaterMark: opts.highWaterMark,
                  firstIndex: index,
                  ptsMs: () => index * opts.intervalMs,
                },
              ),
            ),
            catchError((error: unknown) => throwError(() => asImageError(path, error))),
          ),
        ),
      ),
    ),
  );
}

async function listImages(pathsOrFolder: string | readonly string[]): Promise<string[]> {
  if (typeof pathsOrFolder !== 'string') return [...pathsOrFolder];
  const info = await stat(pathsOrFolder).catch(() => undefined);
  if (!info?.isDirectory()) return [pathsOrFolder];
  const names = (await readdir(pathsOrFolder)).filter((name) =>
    IMAGE_EXTENSIONS.includes(extname(name).toLowerCase()),
  );
  if (names.length === 0) {
    throw new MediaError(
      'AUF_ERR_NO_IMAGES',
      pathsOrFolder,
      `No images (${IMAGE_EXTENSIONS.join(', ')}) in folder "${pathsOrFolder}". Check the folder or pass image paths.`,
    );
  }
  names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return names.map((name) => join(pathsOrFolder, name));
}

/** ffmpeg's "no video stream" means "not an image" here; say so. */
function asImageError(path: string, error: unknown): unknown {
  if (
    error instanceof MediaError &&
    (error.code === 'AUF_ERR_NO_VIDEO_STREAM' || error.code === 'AUF_ERR_DECODE')
  ) {
    return new MediaError(
      error.code,
      path,
      `"${path}" is not a readable image (${error.message}). Pass jpg/png/bmp/webp/tiff files.`,
      { cause: error },
    );
  }
  return error;
}
