/**
 * What `submit` turns its inputs into: files stay as they are; a folder stands for the video
 * files directly in it (by extension, sorted by name; hidden files, images and sub-folders are
 * left out), so `auformer submit /data/interviews` queues each interview once.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { OptionError } from '../index.js';

/** Containers ffmpeg reads that archives hold; anything else in a folder is skipped. */
export const VIDEO_EXTENSIONS: readonly string[] = [
  '.mp4',
  '.m4v',
  '.mov',
  '.mkv',
  '.webm',
  '.avi',
  '.mpg',
  '.mpeg',
  '.ts',
  '.mts',
  '.m2ts',
  '.flv',
  '.wmv',
  '.3gp',
  '.ogv',
  '.mxf',
];

export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    // A missing path stays an input: its job fails with the typed media error.
    const isFolder = await stat(input).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isFolder) {
      files.push(input);
      continue;
    }
    const entries = await readdir(input, { withFileTypes: true });
    const videos = entries
      .filter(
        (e) =>
          e.isFile() && !e.name.startsWith('.') && VIDEO_EXTENSIONS.includes(extname(e.name).toLowerCase()),
      )
      .map((e) => join(input, e.name))
      .sort();
    if (videos.length === 0) {
      throw new OptionError(
        `submit: no video files (${VIDEO_EXTENSIONS.join(', ')}) directly in folder '${input}'. Pass the files, or the folder that holds them.`,
      );
    }
    files.push(...videos);
  }
  return files;
}
