/** Reading what archive jobs leave on disk: part files, checksums and the success manifest. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { PartLine, SuccessManifest } from './archiveTypes.js';

export const MANIFEST_NAME = '_SUCCESS.json';

/** Where part `part` of an input is written once complete. */
export function partFile(outDir: string, part: number): string {
  return join(outDir, '.parts', `part-${String(part).padStart(4, '0')}.jsonl`);
}

/** sha256 of a file's bytes, streamed. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The folder's `_SUCCESS.json`, or undefined when the outputs are not complete. */
export async function readManifest(outDir: string): Promise<SuccessManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(outDir, MANIFEST_NAME), 'utf8')) as SuccessManifest;
  } catch {
    return undefined; // missing or half-written: not complete
  }
}

/** The lines of a part file, parsed, in order. */
export async function* readPartLines(path: string): AsyncGenerator<PartLine> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) if (line.length > 0) yield JSON.parse(line) as PartLine;
}
