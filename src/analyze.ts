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
import { AUModel, type AUModelOptions } from './model/AUModel.js';
import { DEFAULT_MODEL_PATH } from './model/defaultModel.js';
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
   * An `AUModel` (shared; its lifecycle stays yours) or the path of an AUFormer ONNX file
   * (loaded on subscribe, disposed on teardown). Defaults to the embedded UNTRAINED tiny model.
   */
  readonly model?: AUModel | string;
  /** Options for the model `analyze` loads itself. Defaults to `AUModel`'s. */
  readonly modelOptions?: AUModelOptions;
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
    from(typeof model === 'string' ? AUModel.create(model, options.modelOptions) : Promise.resolve(model)),
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
