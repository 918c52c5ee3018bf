/**
 * How a job's failure is reported to BullMQ. Bad input and bad configuration fail the same way
 * on every attempt, so they go straight to the failed set (`UnrecoverableError`) with their code;
 * anything else (Redis, disk, a crash) is retried with backoff. The code leads the message, so
 * `failedReason` reads `AUF_ERR_NO_VIDEO_STREAM: ...`.
 */
import type { ErrorCode } from '../index.js';
import type { BullMq } from './engines.js';

export const PERMANENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'AUF_ERR_INVALID_OPTION',
  'AUF_ERR_FILE_NOT_FOUND',
  'AUF_ERR_NOT_A_FILE',
  'AUF_ERR_EMPTY_FILE',
  'AUF_ERR_NO_VIDEO_STREAM',
  'AUF_ERR_UNSUPPORTED_CODEC',
  'AUF_ERR_DECODE',
  'AUF_ERR_MODEL_LOAD',
  'AUF_ERR_MODEL_CARD',
  'AUF_ERR_MODEL_SHAPE',
  // An inference server refused this worker's token, or the request: the same on every attempt.
  // Unreachable, overloaded and timed-out servers are retried (the part resumes at its checkpoint).
  'AUF_ERR_REMOTE_AUTH',
  'AUF_ERR_REMOTE_PROTOCOL',
  'AUF_ERR_OUTPUT_CONFLICT',
]);

/** The error to throw from a processor for `error`. */
export function asJobError(error: unknown, bullmq: BullMq): Error {
  const code = codeOf(error);
  const message = `${code ?? 'ERROR'}: ${error instanceof Error ? error.message : String(error)}`;
  return code !== undefined && PERMANENT_CODES.has(code)
    ? new bullmq.UnrecoverableError(message)
    : new Error(message, { cause: error });
}

/** The `AUF_ERR_*` code at the start of a `failedReason`, if any. */
export function codeInReason(reason: string | undefined): string | undefined {
  return /\b(AUF_ERR_[A-Z_]+)\b/.exec(reason ?? '')?.[1];
}

function codeOf(error: unknown): ErrorCode | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error as { code: unknown };
  return typeof code === 'string' && code.startsWith('AUF_ERR_') ? (code as ErrorCode) : undefined;
}
