/**
 * The model of an archive job, from submit to merge: which one it is (a file, or inference
 * servers and the card they serve), its fingerprint in the job key, how workers open it, and
 * the card the merge writes.
 *
 * ```
 * submit   --model m.onnx    -> { path }                      key: size + ends of the file
 *          --infer URL[,URL] -> { urls, card, datatype }      key: sha256 of card + datatype
 * part     openJobModel: sharedModel(path | urls)             (servers: card must still match)
 * merge    jobModelCard: the file's card | the card carried   (no model, no server needed)
 * ```
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import {
  type AUInferenceModel,
  DEFAULT_MODEL_PATH,
  ModelError,
  type ModelCard,
  type OpenAUModelOptions,
  OptionError,
  RemoteAUModel,
  readModelCard,
} from '../index.js';
import type { JobModel } from './archiveTypes.js';
import { fingerprintFile, stableJson } from './fingerprint.js';
import { INFER_TOKEN_ENV, sharedModel } from './sharedModel.js';

export interface JobModelChoice {
  /** ONNX path as every worker sees it; defaults to the embedded tiny model. */
  readonly modelPath?: string | undefined;
  /** Inference server URLs instead (not with `modelPath`). */
  readonly inferUrls?: readonly string[] | undefined;
  /** The job's model options (never a token: see `assertNoToken`). */
  readonly modelOptions?: OpenAUModelOptions | undefined;
  /** Bearer token for reading the servers' card at submit; not stored. */
  readonly inferToken?: string | undefined;
}

/** At submit: the job's model and its fingerprint; asks the servers for their card once. */
export async function resolveJobModel(c: JobModelChoice): Promise<{ model: JobModel; fingerprint: string }> {
  if (c.inferUrls === undefined) {
    const path = resolve(c.modelPath ?? DEFAULT_MODEL_PATH);
    return { model: { path }, fingerprint: await fingerprintFile(path) };
  }
  if (c.modelPath !== undefined) throw new OptionError('submit: give modelPath or inferUrls, not both');
  const token = c.inferToken ?? process.env[INFER_TOKEN_ENV];
  const remote = await RemoteAUModel.create(c.inferUrls, { ...c.modelOptions, ...(token ? { token } : {}) });
  try {
    const { card, datatype } = remote;
    const fingerprint = `card:${createHash('sha256').update(stableJson({ card, datatype })).digest('hex')}`;
    return { model: { urls: [...c.inferUrls], card, datatype }, fingerprint };
  } finally {
    await remote.dispose();
  }
}

/** In a worker: the job's model, shared with the process's other jobs. */
export async function openJobModel(
  model: JobModel,
  options: OpenAUModelOptions | undefined,
): Promise<AUInferenceModel> {
  if ('path' in model) return sharedModel(model.path, options);
  const opened = await sharedModel(model.urls, { ...options, datatype: model.datatype });
  if (stableJson(opened.card) !== stableJson(model.card)) {
    throw new ModelError(
      'AUF_ERR_MODEL_CARD',
      `${model.urls.join(', ')} now serve ${opened.card.name} ${opened.card.version}, not the ${model.card.name} ${model.card.version} this job was submitted for. Submit it again.`,
    );
  }
  return opened;
}

/** In the merge: the card the outputs are written with. */
export function jobModelCard(model: JobModel): Promise<ModelCard> {
  return 'path' in model ? readModelCard(model.path) : Promise.resolve(model.card);
}

/** Job data sits in Redis in clear: a bearer token must stay on the hosts (`AUFORMER_INFER_TOKEN`). */
export function assertNoToken(
  options: { readonly modelOptions?: OpenAUModelOptions } | undefined,
  where: string,
): void {
  if (options?.modelOptions?.token !== undefined) {
    throw new OptionError(
      `${where}: modelOptions.token would be stored in Redis in clear; set ${INFER_TOKEN_ENV} on the workers instead`,
    );
  }
}
