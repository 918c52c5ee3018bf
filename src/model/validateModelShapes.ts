import { ModelError } from '../errors.js';
import type { ModelCard } from '../types/model.js';
import type { OnnxSession, Shape } from './onnx.js';

const fmt = (s: Shape | undefined): string => (s ? `[${s.join(', ')}]` : 'missing');

/**
 * Checks the export contract: input `images` [B, 3, H, W] matching the card's input size and
 * output `logits` [B, N] with N AU names. Returns the batch size when the graph fixes it.
 */
export function validateModelShapes(session: OnnxSession, card: ModelCard, path: string): number | undefined {
  const images = session.inputShapes['images'];
  const logits = session.outputShapes['logits'];
  const n = card.auNames.length;
  const problem = (what: string): ModelError =>
    new ModelError(
      'AUF_ERR_MODEL_SHAPE',
      `Model '${path}' does not follow the AUFormer export contract: ${what}. Expected input ` +
        `images [B, 3, ${card.inputHeight}, ${card.inputWidth}] and output logits [B, ${n}] ` +
        `(got inputs ${session.inputNames.join(', ')} ${fmt(images)}, outputs ${session.outputNames.join(', ')} ${fmt(logits)}). ` +
        'Re-export it with model/ (python -m auformer.export).',
    );
  if (!images || images.length !== 4) throw problem("input 'images' must be 4-D");
  if (!logits || logits.length !== 2) throw problem("output 'logits' must be 2-D");
  const [, c, h, w] = images;
  if (c !== 3 || h !== card.inputHeight || w !== card.inputWidth) {
    throw problem(`input 'images' is ${fmt(images)}, the card says 3x${card.inputHeight}x${card.inputWidth}`);
  }
  const dtype = card.inputDtype ?? 'float32';
  const actual = session.inputTypes['images'];
  if (actual !== undefined && actual !== dtype) {
    throw problem(`input 'images' is ${actual}, the card's input_dtype says ${dtype}`);
  }
  if (typeof logits[1] === 'number' && logits[1] !== n) {
    throw problem(`output 'logits' has ${logits[1]} classes, the card lists ${n} AUs`);
  }
  return typeof images[0] === 'number' && images[0] > 0 ? images[0] : undefined;
}
