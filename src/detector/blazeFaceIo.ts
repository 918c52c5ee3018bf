/**
 * Finds and checks the inputs and outputs of a BlazeFace ONNX session, so a wrong file fails at
 * load time with a clear error instead of producing nonsense boxes.
 *
 * Expected: one NHWC input `[1, S, S, 3]`; per anchor layer a score output `[1, n, 1]` and a
 * regressor output `[1, n, 16]`, with 896 anchors in all (512 + 384 for the front and back
 * models) or 2304 in one layer (the full-range model).
 */
import { ModelError } from '../errors.js';
import type { OnnxSession, Shape } from '../model/onnx.js';
import { ANCHOR_LAYOUTS, anchorCount, type AnchorLayer } from './blazeFaceAnchors.js';
import { REGRESSORS_PER_ANCHOR } from './decodeDetections.js';

/** Names of the tensors to feed and read, in anchor-layer order. */
export interface BlazeFaceIo {
  readonly input: string;
  readonly inputSize: number;
  readonly layers: readonly { readonly scores: string; readonly regressors: string }[];
  /** The anchor layout the outputs match (896 or 2304 anchors). */
  readonly anchorLayers: readonly AnchorLayer[];
}

const describe = (shape: Shape | undefined): string => `[${(shape ?? []).join(', ')}]`;

/** Throws `ModelError` `AUF_ERR_MODEL_SHAPE` unless `session` looks like BlazeFace. */
export function blazeFaceIo(session: OnnxSession, path: string): BlazeFaceIo {
  const fail = (what: string): never => {
    throw new ModelError(
      'AUF_ERR_MODEL_SHAPE',
      `'${path}' is not a BlazeFace detector: ${what}. Use model 'front', 'back' (assets/blazeface) or 'full' (assets/facemesh), or a BlazeFace ONNX file with an NHWC [1,S,S,3] input and score/regressor outputs for 896 or 2304 anchors.`,
    );
  };
  const input = session.inputNames[0];
  if (input === undefined || session.inputNames.length !== 1)
    fail(`expected 1 input, found ${session.inputNames.length}`);
  const inShape = session.inputShapes[input as string];
  const size = inShape?.[1];
  if (inShape?.length !== 4 || typeof size !== 'number' || inShape[2] !== size || inShape[3] !== 3) {
    fail(`input '${input}' has shape ${describe(inShape)}, expected [1, S, S, 3]`);
  }
  const byAnchors = (last: number): Map<number, string> => {
    const found = new Map<number, string>();
    for (const name of session.outputNames) {
      const s = session.outputShapes[name];
      if (s?.length === 3 && s[2] === last && typeof s[1] === 'number') found.set(s[1], name);
    }
    return found;
  };
  const scores = byAnchors(1);
  const regressors = byAnchors(REGRESSORS_PER_ANCHOR);
  const matches = (layout: readonly AnchorLayer[]): boolean =>
    layout.every(
      ({ grid, perCell }) => scores.has(grid * grid * perCell) && regressors.has(grid * grid * perCell),
    );
  const anchorLayers = ANCHOR_LAYOUTS.find(matches);
  if (!anchorLayers) {
    const shapes = session.outputNames.map((o) => `${o} ${describe(session.outputShapes[o])}`).join(', ');
    const counts = ANCHOR_LAYOUTS.map((l) => anchorCount(l)).join(' or ');
    return fail(
      `no score [1, n, 1] and regressor [1, n, 16] outputs for ${counts} anchors (outputs: ${shapes || 'none'})`,
    );
  }
  const layers = anchorLayers.map(({ grid, perCell }) => ({
    scores: scores.get(grid * grid * perCell) as string,
    regressors: regressors.get(grid * grid * perCell) as string,
  }));
  return { input: input as string, inputSize: size as number, layers, anchorLayers };
}
