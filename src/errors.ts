/**
 * Every error the SDK raises has a stable `code` (listed in docs/errors.md) and a message that
 * says how to fix the problem.
 */
export type ErrorCode =
  | 'AUF_ERR_INVALID_OPTION'
  | 'AUF_ERR_FFMPEG_NOT_FOUND'
  | 'AUF_ERR_FILE_NOT_FOUND'
  | 'AUF_ERR_NOT_A_FILE'
  | 'AUF_ERR_NO_IMAGES'
  | 'AUF_ERR_NOT_RESULTS_FILE'
  | 'AUF_ERR_EMPTY_FILE'
  | 'AUF_ERR_NO_VIDEO_STREAM'
  | 'AUF_ERR_UNSUPPORTED_CODEC'
  | 'AUF_ERR_DECODE'
  | 'AUF_ERR_MODEL_LOAD'
  | 'AUF_ERR_MODEL_CARD'
  | 'AUF_ERR_MODEL_SHAPE'
  | 'AUF_ERR_MODEL_DISPOSED'
  | 'AUF_ERR_PROVIDER_UNAVAILABLE'
  | 'AUF_ERR_INFERENCE'
  | 'AUF_ERR_REMOTE_UNREACHABLE'
  | 'AUF_ERR_REMOTE_OVERLOADED'
  | 'AUF_ERR_REMOTE_TIMEOUT'
  | 'AUF_ERR_REMOTE_PROTOCOL'
  | 'AUF_ERR_REMOTE_AUTH'
  | 'AUF_ERR_SINK_WRITE'
  | 'AUF_ERR_STREAM_CONNECT'
  | 'AUF_ERR_STREAM_NOT_FOUND'
  | 'AUF_ERR_STREAM_FAILED'
  | 'AUF_ERR_CLIENT_MESSAGE';

/** Base class: `code` is stable across versions, `message` is for people. */
export class AufError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AufError';
    this.code = code;
  }
}

/** Bad input media: missing, empty, not a video, corrupt, unsupported. */
export class MediaError extends AufError {
  /** The path or URL (credentials removed). */
  readonly source: string;

  constructor(code: ErrorCode, source: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'MediaError';
    this.source = source;
  }
}

/** A model file that cannot be loaded, has no valid card, or has the wrong shapes. */
export class ModelError extends AufError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ModelError';
  }
}

/** A sink could not write its output. */
export class SinkError extends AufError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('AUF_ERR_SINK_WRITE', message, options);
    this.name = 'SinkError';
  }
}

/** A live source could not connect, was not found, or gave up reconnecting. */
export class StreamError extends AufError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'StreamError';
  }
}

/** An invalid option or combination of options; the message names the options involved. */
export class OptionError extends TypeError {
  readonly code = 'AUF_ERR_INVALID_OPTION' as const;

  constructor(message: string) {
    super(message);
    this.name = 'OptionError';
  }
}
