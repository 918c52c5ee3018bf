/**
 * Model variants: the same AUFormer exported at another precision, stored next to the fp32
 * file under a fixed name, so one option switches between them.
 *
 * ```
 * models/vit-b16.onnx        variant 'fp32' (the export)
 * models/vit-b16.int8.onnx   variant 'int8' (python -m auformer.quantize; for CPUs, ~3x faster)
 * models/vit-b16.fp16.onnx   variant 'fp16' (python -m auformer.export --fp16; for GPUs)
 * models/vit-b16.uint8.onnx  variant 'uint8' (python -m auformer.uint8_input; uint8 crops in)
 * ```
 *
 * @example
 * variantPath('models/vit-b16.onnx', 'int8'); // 'models/vit-b16.int8.onnx'
 * @see docs/gpu.md
 */
import { OptionError } from '../errors.js';

/** `fp32` is the file as given; the others resolve `<name>.int8.onnx`, `<name>.fp16.onnx`, `<name>.uint8.onnx`. */
export type ModelVariant = 'fp32' | 'int8' | 'fp16' | 'uint8';

const VARIANTS: readonly ModelVariant[] = ['fp32', 'int8', 'fp16', 'uint8'];

/** How to produce each variant, for the error a missing file raises. */
export const VARIANT_HINTS: Readonly<Record<ModelVariant, string>> = {
  fp32: 'Export it with `python -m auformer.export` (model/README.md).',
  int8:
    'Create it from the fp32 file with `cd model && /usr/bin/python3 -m auformer.quantize <model>.onnx <model>.int8.onnx`.',
  uint8:
    'Create it from the fp32 file with `cd model && /usr/bin/python3 -m auformer.uint8_input <model>.onnx` (docs/remote-inference.md).',
  fp16: 'Export it on a CUDA machine with `python -m auformer.export ... --fp16 --out <model>.fp16.onnx` (docs/gpu.md).',
};

/** The file of `variant` for the fp32 model at `path` (which must end in `.onnx`). */
export function variantPath(path: string, variant: ModelVariant): string {
  if (!VARIANTS.includes(variant)) {
    throw new OptionError(`variant must be one of ${VARIANTS.join(', ')}, got '${String(variant)}'`);
  }
  if (variant === 'fp32') return path;
  if (!path.endsWith('.onnx')) {
    throw new OptionError(`variant '${variant}' needs a model path ending in .onnx, got '${path}'`);
  }
  return `${path.slice(0, -'.onnx'.length)}.${variant}.onnx`;
}
