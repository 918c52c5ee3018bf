/**
 * The model card as KServe model-metadata `parameters`: the same keys and JSON-string values
 * as the ONNX `metadata_props` (docs/model-card.md), so a `RemoteAUModel` reads the card from
 * `auformer infer-server` exactly as `AUModel` reads it from the file (and from Triton's
 * config.pbtxt `parameters`, written by model/'s repository writer).
 */
import type { ModelCard } from '../index.js';

/**
 * One entry per `ModelCard` field, `[metadata key, value]`: a field added to the card fails to
 * compile here until it is mapped, so the server never drops part of a card.
 */
const ENTRIES: { readonly [K in keyof Required<ModelCard>]: (card: ModelCard) => [string, string] } = {
  name: (c) => ['name', c.name],
  version: (c) => ['version', c.version],
  auNames: (c) => ['au_names', JSON.stringify(c.auNames)],
  inputHeight: (c) => ['input_size', JSON.stringify([c.inputHeight, c.inputWidth])],
  inputWidth: (c) => ['input_size', JSON.stringify([c.inputHeight, c.inputWidth])],
  mean: (c) => ['mean', JSON.stringify(c.mean)],
  std: (c) => ['std', JSON.stringify(c.std)],
  alignmentTemplate: (c) => [
    'alignment_template',
    JSON.stringify(c.alignmentTemplate.map((p) => [p.x, p.y])),
  ],
  thresholds: (c) => ['thresholds', JSON.stringify(c.thresholds)],
  trainingData: (c) => ['training_data', c.trainingData],
  licence: (c) => ['licence', c.licence],
  description: (c) => ['description', c.description],
  inputDtype: (c) => ['input_dtype', c.inputDtype ?? 'float32'],
  keypointSource: (c) => ['keypoint_source', c.keypointSource],
  untrained: (c) => ['untrained', String(c.untrained)],
};

export function cardParameters(card: ModelCard): Record<string, string> {
  return Object.fromEntries(Object.values(ENTRIES).map((entry) => entry(card)));
}
