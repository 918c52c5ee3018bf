/**
 * The WebSocket wire protocol of `serveWebSocket`: every message type, the close codes and the
 * schema version. Documented for client authors in docs/websocket.md.
 *
 * Records travel unwrapped: a `FrameResult` is the message `{ type: 'frame', ... }` and an
 * `AUEvent` is `{ type: 'event', ... }` and a `BlinkEvent` `{ type: 'blink', ... }`, so a client
 * switches on `type` for everything.
 */
import type { ModelCard } from '../../types/model.js';
import type { SourceInfo } from '../../types/frame.js';
import type { AnalysisRecord } from '../../types/result.js';

/**
 * Bumped on any incompatible change to a message below. 2: `frame` faces carry `landmarks`
 * (`LandmarksRecord`: 68 or 468 `[x, y, z]` points), `pose` and `geometry`; `blink` records.
 */
export const SCHEMA_VERSION = 2;

/** `msgpack` (binary frames, standard MessagePack maps) or `json` (text frames). */
export type WireEncoding = 'msgpack' | 'json';
export const WIRE_ENCODINGS: readonly WireEncoding[] = ['msgpack', 'json'];

/** Close codes the server uses (1006 is what a client sees when the server drops a dead peer). */
export const CLOSE_CODES = {
  /** `close()` was called: the server is shutting down. */
  serverShutdown: 1001,
  /** Too many invalid client messages (see `maxInvalidMessages`). */
  policyViolation: 1008,
  /** A client message larger than `maxPayload` (sent by `ws` itself). */
  messageTooBig: 1009,
  /** The client fell behind its send budget (`maxQueuedMessages` / `maxQueuedBytes`). */
  sendBudgetExceeded: 4008,
} as const;

/**
 * A source's life-cycle state as live sources report it (`connecting`, `live`, `stalled`,
 * `reconnecting`, `ended`, `failed`). Extra plain-data fields are forwarded as they are.
 */
export interface WireSourceStatus {
  readonly sourceId: string;
  readonly state: string;
  /** Reconnections so far. */
  readonly reconnects?: number;
  /** Frames dropped so far (latest-wins live sources). */
  readonly droppedFrames?: number;
  /** Human-readable detail, credentials removed. */
  readonly message?: string;
}

/** A client's current subscription: `'*'` means every source, present and future. */
export interface SubscriptionState {
  readonly sources: '*' | readonly string[];
  /** With `'*'`: sources unsubscribed one by one since. */
  readonly except?: readonly string[];
}

/** First message on every connection. */
export interface HelloMessage {
  readonly type: 'hello';
  readonly schemaVersion: number;
  readonly model: ModelCard | null;
  readonly sources: readonly SourceInfo[];
  /** Latest status of each source that reported one. */
  readonly statuses: readonly WireSourceStatus[];
  readonly encoding: WireEncoding;
  readonly subscription: SubscriptionState;
  readonly limits: {
    /** Bytes. */
    readonly maxPayload: number;
    readonly maxQueuedMessages: number;
    /** Bytes. */
    readonly maxQueuedBytes: number;
    /** Milliseconds; 0 when the server sends no pings. */
    readonly heartbeatMs: number;
  };
}

/** Sent to every client when the source list changes. */
export interface SourcesMessage {
  readonly type: 'sources';
  readonly sources: readonly SourceInfo[];
}

/** Sent to every client when a source reports a new status. */
export type StatusMessage = { readonly type: 'status' } & WireSourceStatus;

/** Reply to `subscribe` / `unsubscribe`: the subscription now in force. */
export type SubscriptionMessage = { readonly type: 'subscription' } & SubscriptionState;

/** Reply to a client `ping`. */
export interface PongMessage {
  readonly type: 'pong';
  readonly id?: string | number;
}

/** A client message was rejected; the connection stays open (until `maxInvalidMessages`). */
export interface ErrorMessage {
  readonly type: 'error';
  readonly code: 'AUF_ERR_CLIENT_MESSAGE';
  readonly message: string;
  /** Invalid messages from this connection so far. */
  readonly invalidMessages: number;
}

/** Sent just before the server closes the connection on purpose. */
export interface NoticeMessage {
  readonly type: 'notice';
  readonly reason: 'send-budget-exceeded' | 'too-many-invalid-messages' | 'server-shutdown';
  readonly message: string;
}

/**
 * A low-rate preview image of a source (`auformer serve --preview`), sent only to clients
 * subscribed to `sourceId`. `data` is the JPEG file: binary in MessagePack, base64 in JSON.
 */
export interface PreviewMessage {
  readonly type: 'preview';
  readonly sourceId: string;
  /** The frame's media time, ms (matches the `ptsMs` of its `frame` record). */
  readonly ptsMs: number;
  /** Image size, pixels (downscaled from the frame: scale boxes by `width / frame.width`). */
  readonly width: number;
  readonly height: number;
  readonly mime: 'image/jpeg';
  readonly data: Uint8Array;
}

export type ServerMessage =
  | AnalysisRecord
  | PreviewMessage
  | HelloMessage
  | SourcesMessage
  | StatusMessage
  | SubscriptionMessage
  | PongMessage
  | ErrorMessage
  | NoticeMessage;

/** Source ids, or `'*'` for every source. */
export type SourceSelector = '*' | readonly string[];

export interface SubscribeMessage {
  readonly type: 'subscribe';
  readonly sources: SourceSelector;
}

export interface UnsubscribeMessage {
  readonly type: 'unsubscribe';
  readonly sources: SourceSelector;
}

/** Application-level ping (for browsers, which cannot see WebSocket pings); answered by `pong`. */
export interface PingMessage {
  readonly type: 'ping';
  readonly id?: string | number;
}

export type ClientMessage = SubscribeMessage | UnsubscribeMessage | PingMessage;

/** Why the server cut a client off (`heartbeat`: it missed a pong and was terminated). */
export type DropReason = NoticeMessage['reason'] | 'heartbeat';
