/**
 * The one-call API: decode -> detect -> track -> align -> AUFormer -> (smooth -> events), one
 * `FrameResult` per decoded frame (also when no face is found), in media order.
 *
 * ```
 * analyze('talk.mp4')  --r0--r1--r2-- ... --rN--|        r = { type: 'frame', status, faces }
 * with { events: {} }  --r0--r1--e--r2-- ... --rN--e--|  e = { type: 'event', au, startMs, ... }
 * ```
 *
 * @example
 * import { analyze } from 'auformer-stream';
 * analyze('assets/sample/faces.mp4', { source: { fps: 5 } }).subscribe((r) => {
 *   if (r.type === 'frame') console.log(r.index, r.ptsMs, r.faces[0]?.aus.AU12);
 * }); // 0 0 0.43, 1 200 0.45, ...
 * @see docs/api.md
 */
import { type Observable, defer, finalize, from, mergeMap } from 'rxjs';
import type { AUInferenceModel } from './model/auInferenceModel.js';
import { DEFAULT_MODEL_PATH } from './model/defaultModel.js';
import { type OpenAUModelOptions, openAUModel } from './remote/openAUModel.js';
import {
  type FrameStagesOptions,
  type TemporalStagesOptions,
  frameStages,
  temporalStages,
} from './operators/stages.js';
import { openInput, type InputOptions } from './sources/openInput.js';
import type { AnalysisRecord } from './types/result.js';

export interface AnalyzeOptions extends FrameStagesOptions, TemporalStagesOptions {
  /**
   * An `AUModel` or `RemoteAUModel` (shared; its lifecycle stays yours), the path of an
   * AUFormer ONNX file, or inference server URLs (`http://host:8000`, opened as a
   * `RemoteAUModel`; several for failover) (opened on subscribe, disposed on teardown).
   * Defaults to the embedded UNTRAINED tiny model.
   */
  readonly model?: AUInferenceModel | string | readonly string[];
  /** Options for the model `analyze` opens itself. Defaults to `AUModel`'s / `RemoteAUModel`'s. */
  readonly modelOptions?: OpenAUModelOptions;
  /** Source options: `fps`, `startMs`, `endMs`, `maxWidth`, ... Defaults to every frame. */
  readonly source?: InputOptions;
}

/** Analyses a video file or URL, an image folder, or a list of images/videos. Cold. */
export function analyze(
  input: string | readonly string[],
  options: AnalyzeOptions = {},
): Observable<AnalysisRecord> {
  const { model = DEFAULT_MODEL_PATH } = options;
  return defer(() =>
    from(isModel(model) ? Promise.resolve(model) : openAUModel(model, options.modelOptions)),
  ).pipe(
    mergeMap((auModel) => {
      const owned = auModel !== model;
      // Double buffering: the source runs ahead by two batches, so one batch fills (decode,
      // detect, align) while the other runs; with one, every stage waited for the model.
      // Frames never leave the pipeline (results carry no pixels), so their buffers are reused.
      const source = { highWaterMark: 2 * auModel.maxBatch, reuseBuffers: true, ...options.source };
      return openInput(input, source).pipe(
        frameStages(auModel, options),
        temporalStages(auModel, options),
        finalize(() => {
          if (owned) auModel.dispose().catch((e: unknown) => process.emitWarning(String(e)));
        }),
      );
    }),
  );
}

function isModel(model: AUInferenceModel | string | readonly string[]): model is AUInferenceModel {
  return typeof model !== 'string' && !Array.isArray(model);
}
