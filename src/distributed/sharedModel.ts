/**
 * One model per model file (or inference server URLs) and options in a worker process, opened
 * on first use through `openAUModel`, as `analyze` opens it, and kept for the jobs that follow
 * (a sandboxed child runs many jobs; loading a ViT-B model per job would cost more than a short
 * part). For servers, the bearer token comes from this host's `AUFORMER_INFER_TOKEN` when the
 * options carry none: job data in Redis never holds it.
 */
import { type AUInferenceModel, type OpenAUModelOptions, openAUModel } from '../index.js';
import { stableJson } from './fingerprint.js';

/** Environment variable a worker host reads its inference servers' bearer token from. */
export const INFER_TOKEN_ENV = 'AUFORMER_INFER_TOKEN';

const models = new Map<string, Promise<AUInferenceModel>>();

export function sharedModel(
  source: string | readonly string[],
  options: OpenAUModelOptions | undefined,
): Promise<AUInferenceModel> {
  const token = process.env[INFER_TOKEN_ENV];
  // A local AUModel ignores a token (openAUModel passes each model the options it knows).
  const o = token && options?.token === undefined ? { ...options, token } : (options ?? {});
  const key = stableJson({ source, o });
  let model = models.get(key);
  if (!model) {
    model = openAUModel(source, o);
    models.set(key, model);
    // A failed load is not cached: the next job retries it.
    model.catch(() => models.delete(key));
  }
  return model;
}

/** Disposes every model (worker shutdown). */
export async function disposeSharedModels(): Promise<void> {
  const all = [...models.values()];
  models.clear();
  await Promise.allSettled(all.map(async (m) => (await m).dispose()));
}
