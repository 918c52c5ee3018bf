/**
 * One HTTP exchange with an inference server, bounded in time: resolves with the status,
 * headers and whole body, or rejects with a typed `ModelError` (`AUF_ERR_REMOTE_TIMEOUT` when
 * `timeoutMs` passes, `AUF_ERR_REMOTE_UNREACHABLE` when the connection is refused or cut).
 */
import { ModelError } from '../errors.js';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export interface HttpCall {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly timeoutMs: number;
  readonly token?: string | undefined;
  readonly body?: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

export async function httpCall(call: HttpCall): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.token !== undefined) headers['authorization'] = `Bearer ${call.token}`;
  const signal = AbortSignal.timeout(Math.max(1, call.timeoutMs));
  try {
    const response = await fetch(call.url, {
      method: call.method,
      headers,
      signal,
      ...(call.body ? { body: call.body } : {}),
    });
    const body = new Uint8Array(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body };
  } catch (cause) {
    if (signal.aborted) {
      throw new ModelError(
        'AUF_ERR_REMOTE_TIMEOUT',
        `${call.method} ${call.url} got no answer within ${call.timeoutMs} ms.`,
        { cause },
      );
    }
    const why = (cause as { cause?: { code?: string; message?: string } }).cause;
    throw new ModelError(
      'AUF_ERR_REMOTE_UNREACHABLE',
      `${call.method} ${call.url} failed (${why?.code ?? why?.message ?? (cause as Error).message}). Is the inference server running?`,
      { cause },
    );
  }
}

/** The KServe `{"error": "..."}` text of an answer, or its first bytes. */
export function errorText(answer: HttpAnswer): string {
  const text = Buffer.from(answer.body).toString('utf8');
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // Not JSON (a proxy's HTML page, say): quote it.
  }
  return text.slice(0, 200) || `HTTP ${answer.status}`;
}

/** Seconds of a `Retry-After` header as ms (only the delay-seconds form), or undefined. */
export function retryAfterMs(answer: HttpAnswer): number | undefined {
  const value = Number(answer.headers.get('retry-after'));
  return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
}
