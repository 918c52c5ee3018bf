/**
 * Sends one batch to the first endpoint that takes it, within `timeoutMs` in all: endpoints
 * are tried in rotation; one that refuses, drops, times out, answers 500 or says it is
 * overloaded (429 / 503, `Retry-After` honoured) is put out of rotation for a while and the
 * batch goes to the next; when every endpoint is out, it waits for the first to come back.
 * Client errors (400, 404, 413) and 401 / 403 fail the batch at once: retrying cannot help.
 */
import { ModelError } from '../errors.js';
import type { ModelCard } from '../types/model.js';
import { type HttpAnswer, errorText, retryAfterMs } from './httpCall.js';
import { decodeInferResponse, encodeInferRequest } from './inferExchange.js';
import type { RemoteEndpoint } from './remoteEndpoint.js';
import { type CropDatatype, type RemoteModelInfo, assertSameModel } from './remoteModelInfo.js';

export interface SendBatchConfig {
  readonly endpoints: readonly RemoteEndpoint[];
  readonly card: ModelCard;
  /** What the first endpoint said: the model every endpoint must serve. */
  readonly info: RemoteModelInfo;
  readonly datatype: CropDatatype;
  readonly timeoutMs: number;
  readonly clientId: string;
}

/** Round-robin start, shared by the batches of one process (spreads load over endpoints). */
let turn = 0;

/** Back-off after a 429 / 503 without `Retry-After`, and the least one with it (no hot loop on 0). */
const OVERLOADED_BACKOFF_MS = 250;
const MIN_OVERLOADED_BACKOFF_MS = 100;

/** The logits (`count x n`) of `count` crops of `tensor`. */
export async function sendBatch(
  config: SendBatchConfig,
  tensor: Float32Array,
  count: number,
): Promise<Float32Array> {
  const { endpoints, card, timeoutMs } = config;
  const { body, headerLength } = encodeInferRequest(tensor, count, card, config.datatype, config.clientId);
  const deadline = Date.now() + timeoutMs;
  let last: ModelError | undefined;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw gaveUp(last, timeoutMs);
    const endpoint = pick(endpoints);
    if (!endpoint) {
      const wait = Math.min(left, Math.max(1, Math.min(...endpoints.map((e) => e.retryAt)) - Date.now()));
      await new Promise((resolve) => setTimeout(resolve, wait));
      continue;
    }
    try {
      // An endpoint that (re)joins must serve the same model, or it stays out of rotation.
      if (!endpoint.info) assertSameModel(config.info, await endpoint.connect(left), config.datatype);
      const answer = await endpoint.infer(body, headerLength, deadline - Date.now());
      if (answer.status === 200) {
        endpoint.markUp();
        return decodeInferResponse(answer, count, card.auNames.length, `'${endpoint.url}'`);
      }
      last = refusal(answer, endpoint);
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      last = error;
      if (!retryable(error.code)) throw error;
      endpoint.markDown();
    }
  }
}

/** The next endpoint in rotation that is not backing off. */
function pick(endpoints: readonly RemoteEndpoint[]): RemoteEndpoint | undefined {
  const now = Date.now();
  for (let i = 0; i < endpoints.length; i++) {
    const e = endpoints[(turn + i) % endpoints.length] as RemoteEndpoint;
    if (e.available(now)) {
      turn = (turn + i + 1) % endpoints.length;
      return e;
    }
  }
  return undefined;
}

const retryable = (code: string): boolean =>
  code === 'AUF_ERR_MODEL_CARD' ||
  code === 'AUF_ERR_REMOTE_UNREACHABLE' ||
  code === 'AUF_ERR_REMOTE_TIMEOUT' ||
  code === 'AUF_ERR_REMOTE_OVERLOADED' ||
  code === 'AUF_ERR_INFERENCE';

/** Turns a non-200 answer into the error to keep (retryable ones also back the endpoint off). */
function refusal(answer: HttpAnswer, endpoint: RemoteEndpoint): ModelError {
  const text = `${endpoint.url} answered ${answer.status}: ${errorText(answer)}`;
  if (answer.status === 429 || answer.status === 503) {
    const wait = Math.max(MIN_OVERLOADED_BACKOFF_MS, retryAfterMs(answer) ?? OVERLOADED_BACKOFF_MS);
    // Jitter, so clients refused together do not all come back in the same instant.
    endpoint.markDown(wait * (1 + Math.random() * 0.25));
    return new ModelError('AUF_ERR_REMOTE_OVERLOADED', `${text}. Add inference servers or lower the load.`);
  }
  if (answer.status === 401 || answer.status === 403) {
    throw new ModelError(
      'AUF_ERR_REMOTE_AUTH',
      `${text}. Pass the server's bearer token (token / --infer-token).`,
    );
  }
  if (answer.status >= 500) {
    endpoint.markDown();
    return new ModelError('AUF_ERR_INFERENCE', text);
  }
  throw new ModelError('AUF_ERR_REMOTE_PROTOCOL', text);
}

function gaveUp(last: ModelError | undefined, timeoutMs: number): ModelError {
  const code = last?.code ?? 'AUF_ERR_REMOTE_TIMEOUT';
  const why = last ? last.message : 'no endpoint was available';
  return new ModelError(code, `Gave up on a batch after ${timeoutMs} ms: ${why}`, { cause: last });
}
