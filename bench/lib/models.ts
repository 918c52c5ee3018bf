/**
 * Bench models, generated on demand by model/ into the git-ignored `.cache/models/`: the
 * AUFormer presets with seeded random weights (`python -m auformer.export --preset P --random`)
 * and their int8 variants (`python -m auformer.quantize`). Never committed; minutes to build
 * for ViT-B/16, so they are reused across runs: delete `.cache/models/` after changing model/ code.
 *
 * @example
 * const path = ensureModel('vit-b16', 'int8'); // .cache/models/vit-b16.onnx, int8 beside it
 * const model = await AUModel.create(path, { variant: 'int8' });
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL_PATH } from '../../src/model/defaultModel.js';
import { type ModelVariant, variantPath } from '../../src/model/modelVariant.js';

export const PRESETS = ['tiny', 'vit-s16', 'vit-b16'] as const;
export type Preset = (typeof PRESETS)[number];

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CACHE = fileURLToPath(new URL('../../.cache/models/', import.meta.url));
/** Debian's python with torch 1.13 and onnx (not pyenv's). */
export const PYTHON = process.env['AUF_PYTHON'] ?? '/usr/bin/python3';

function python(args: readonly string[], log: (line: string) => void): void {
  log(`  $ cd model && ${PYTHON} ${args.join(' ')}`);
  execFileSync(PYTHON, args, { cwd: `${ROOT}model`, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * The fp32 path of `preset`, with `variant` created beside it if missing. `tiny` is the shipped
 * model (copied into the cache so its int8 file can sit next to it); the others are exported.
 */
export function ensureModel(preset: Preset, variant: ModelVariant, log: (line: string) => void): string {
  mkdirSync(CACHE, { recursive: true });
  const fp32 = `${CACHE}${preset}.onnx`;
  // The shipped tiny model changes with model/: a newer one replaces the copy and its variants.
  if (
    preset === 'tiny' &&
    existsSync(fp32) &&
    statSync(DEFAULT_MODEL_PATH).mtimeMs > statSync(fp32).mtimeMs
  ) {
    for (const v of ['fp32', 'int8', 'fp16'] as const) rmSync(variantPath(fp32, v), { force: true });
  }
  if (!existsSync(fp32)) {
    if (preset === 'tiny') copyFileSync(DEFAULT_MODEL_PATH, fp32);
    else python(['-m', 'auformer.export', '--preset', preset, '--random', '--out', fp32], log);
  }
  const file = variantPath(fp32, variant);
  if (!existsSync(file)) {
    if (variant === 'int8') python(['-m', 'auformer.quantize', fp32, file], log);
    if (variant === 'fp16')
      python(['-m', 'auformer.export', '--preset', preset, '--random', '--fp16', '--out', file], log);
  }
  return fp32;
}
