/**
 * One `AUModel` per model file and options in a worker process, created on first use and kept
 * for the jobs that follow (a sandboxed child runs many jobs; loading a ViT-B model per job
 * would cost more than a short part).
 */
import { AUModel, type AUModelOptions } from '../index.js';
import { stableJson } from './fingerprint.js';

const models = new Map<string, Promise<AUModel>>();

export function sharedModel(path: string, options: AUModelOptions | undefined): Promise<AUModel> {
  const key = `${path}\n${stableJson(options ?? {})}`;
  let model = models.get(key);
  if (!model) {
    model = AUModel.create(path, options);
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
