/**
 * Picks the source for what a user passed: a video file or URL (`fromFile`), an image, a list
 * of images or a folder of images (`fromImages`), or a list mixing videos and images (each in
 * turn, one after the other).
 */
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { type Observable, concat, defer } from 'rxjs';
import type { Frame } from '../types/frame.js';
import { type FileSourceOptions, fromFile } from './fromFile.js';
import { IMAGE_EXTENSIONS, type ImageSourceOptions, fromImages } from './fromImages.js';

/** Options for whichever source `openInput` picks; each source ignores the others' options. */
export type InputOptions = FileSourceOptions & ImageSourceOptions;

/** True for paths that name a still image (by extension). */
export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(path).toLowerCase());
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing paths go to fromFile, which reports them with a typed error
  }
}

export function openInput(input: string | readonly string[], options: InputOptions = {}): Observable<Frame> {
  return defer(() => {
    const paths = typeof input === 'string' ? [input] : input;
    if (paths.length > 0 && paths.every(isImagePath)) return fromImages(paths, options);
    return concat(
      ...paths.map((p) =>
        isDirectory(p)
          ? fromImages(p, options)
          : isImagePath(p)
            ? fromImages([p], options)
            : fromFile(p, options),
      ),
    );
  });
}
