/** What `auformer crops` works on: (frame path, crop name) pairs, from a list file or folders. */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, normalize, resolve } from 'node:path';
import { isImagePath } from '../sources/openInput.js';
import { UsageError } from './pipelineArgs.js';

export interface CropEntry {
  /** The frame image on disk. */
  readonly frame: string;
  /** Relative path of its crop in the output folder, ending in .png. */
  readonly name: string;
}

/** Entries of `--list` (lines `frame[<TAB>name]`) or of the given images / folders (sorted). */
export async function cropEntries(inputs: readonly string[], list: string | undefined): Promise<CropEntry[]> {
  const entries = list === undefined ? await fromInputs(inputs) : await fromList(list);
  if (entries.length === 0) throw new UsageError(`no frames to crop in ${list ?? inputs.join(', ')}`);
  const seen = new Set<string>();
  for (const { name } of entries) {
    if (isAbsolute(name) || normalize(name).startsWith('..'))
      throw new UsageError(`crop name '${name}' must be a relative path inside --out`);
    if (seen.has(name))
      throw new UsageError(`crop name '${name}' appears twice; give each frame its own name`);
    seen.add(name);
  }
  return entries;
}

async function fromList(list: string): Promise<CropEntry[]> {
  const text = await readFile(list, 'utf8').catch((cause: unknown) => {
    throw new UsageError(`cannot read --list '${list}': ${(cause as Error).message}`);
  });
  const base = dirname(list);
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const [frame = '', name, extra] = line.split('\t');
      if (frame === '' || extra !== undefined)
        throw new UsageError(`${list}:${i + 1}: expected 'frame path[<TAB>crop name]', got '${line}'`);
      return { frame: resolve(base, frame), name: pngName(name ?? basename(frame)) };
    });
}

async function fromInputs(inputs: readonly string[]): Promise<CropEntry[]> {
  const out: CropEntry[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new UsageError(`'${input}' does not exist`);
    if (!info.isDirectory()) {
      out.push({ frame: input, name: pngName(basename(input)) });
      continue;
    }
    const names = (await readdir(input)).filter(isImagePath);
    names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    out.push(...names.map((n) => ({ frame: join(input, n), name: pngName(n) })));
  }
  return out;
}

function pngName(name: string): string {
  return `${name.slice(0, name.length - extname(name).length)}.png`;
}
