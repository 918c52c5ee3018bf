/**
 * Opens the model behind a `--model` path or `--infer` URLs: an `http(s)://` URL (or several,
 * for failover) gives a `RemoteAUModel`, anything else a local `AUModel`. Options both take
 * (`maxBatch`, `maxWaitMs`) apply to either; the others to the one that knows them.
 *
 * @example
 * const model = await openAUModel(['http://gpu-1:8000', 'http://gpu-2:8000'], { maxInFlight: 4 });
 */
import { AUModel, type AUModelOptions } from '../model/AUModel.js';
import type { AUInferenceModel } from '../model/auInferenceModel.js';
import { RemoteAUModel, type RemoteAUModelOptions } from './RemoteAUModel.js';
import { isRemoteModelUrl } from './remoteUrl.js';

export type OpenAUModelOptions = AUModelOptions & RemoteAUModelOptions;

export async function openAUModel(
  source: string | readonly string[],
  options: OpenAUModelOptions = {},
): Promise<AUInferenceModel> {
  if (typeof source !== 'string' || isRemoteModelUrl(source)) {
    return RemoteAUModel.create(source, pick(options, REMOTE_KEYS));
  }
  return AUModel.create(source, pick(options, LOCAL_KEYS));
}

const REMOTE_KEYS = [
  'maxBatch',
  'maxWaitMs',
  'maxInFlight',
  'timeoutMs',
  'token',
  'datatype',
  'clientId',
] as const;
const LOCAL_KEYS = [
  'maxBatch',
  'maxWaitMs',
  'executionProviders',
  'intraOpThreads',
  'variant',
  'output',
] as const;

/** The given (not undefined) options among `keys`, so the callee's defaults still apply. */
function pick<K extends keyof OpenAUModelOptions>(
  options: OpenAUModelOptions,
  keys: readonly K[],
): Pick<OpenAUModelOptions, K> {
  const out: Partial<Pick<OpenAUModelOptions, K>> = {};
  for (const key of keys) if (options[key] !== undefined) out[key] = options[key];
  return out as Pick<OpenAUModelOptions, K>;
}
