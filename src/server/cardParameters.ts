/**
 * The model card as KServe model-metadata `parameters`: the same keys and JSON-string values
 * as the ONNX `metadata_props` (docs/model-card.md), so a `RemoteAUModel` reads the card from
 * `auformer infer-server` exactly as `AUModel` reads it from the file (and from Triton's
 * config.pbtxt `parameters`, written by model/'s repository writer).
 */
import type { ModelCard } from '../index.js';

export function cardParameters(card: ModelCard): Record<string, string> {
  return {
    name: card.name,
    version: card.version,
    au_names: JSON.stringify(card.auNames),
    input_size: JSON.stringify([card.inputHeight, card.inputWidth]),
    mean: JSON.stringify(card.mean),
    std: JSON.stringify(card.std),
    alignment_template: JSON.stringify(card.alignmentTemplate.map((p) => [p.x, p.y])),
    thresholds: JSON.stringify(card.thresholds),
    training_data: card.trainingData,
    licence: card.licence,
    description: card.description,
    input_dtype: card.inputDtype ?? 'float32',
    untrained: String(card.untrained),
  };
}
