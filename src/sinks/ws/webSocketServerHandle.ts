/**
 * What `serveWebSocket` returns: the running server, its metrics and its event stream.
 */
import type { Observable } from 'rxjs';
import type { SourceInfo } from '../../types/frame.js';
import type { AnalysisRecord } from '../../types/result.js';
import type { DropReason } from './protocol.js';
import type { PreviewMessage, SubscriptionState, WireEncoding, WireSourceStatus } from './protocol.js';

export interface WebSocketServerHandle {
  /** e.g. `ws://127.0.0.1:41234/ws`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly path: string;
  /** Clients currently receiving (connected and not being dropped). */
  readonly clients: number;
  /** Connections, refusals and drops as they happen; completes on `close()`. */
  readonly events: Observable<WebSocketServerEvent>;
  /**
   * Sends `record` to every client subscribed to `record.sourceId`; returns how many got it.
   * A no-op returning 0 after `close()`.
   */
  publish(record: AnalysisRecord): number;
  /**
   * Sends a preview image (`type: 'preview'` is added) to every client subscribed to its
   * `sourceId`; returns how many got it. A no-op returning 0 after `close()`.
   */
  publishPreview(preview: Omit<PreviewMessage, 'type'>): number;
  /** Replaces the source list (sent in the hello) and tells every client (`sources` message). */
  setSources(sources: readonly SourceInfo[]): void;
  /** Records a source's status (sent in the hello) and tells every client (`status` message). */
  updateSource(status: WireSourceStatus): void;
  metrics(): WebSocketServerMetrics;
  /**
   * Closes every client with 1001 (destroying those that do not answer within
   * `closeTimeoutMs`), stops the heartbeat, and closes the HTTP server it owns. Idempotent.
   */
  close(): Promise<void>;
}

export type WebSocketServerEvent =
  | {
      readonly type: 'connected';
      readonly clientId: number;
      readonly remoteAddress: string;
      readonly encoding: WireEncoding;
    }
  | {
      readonly type: 'rejected';
      readonly status: number;
      readonly reason: string;
      readonly remoteAddress: string;
    }
  | {
      readonly type: 'dropped';
      readonly clientId: number;
      readonly reason: DropReason;
      readonly queuedMessages: number;
      readonly queuedBytes: number;
    }
  | {
      readonly type: 'disconnected';
      readonly clientId: number;
      readonly code: number;
      readonly reason: string;
    }
  | { readonly type: 'client-error'; readonly clientId: number; readonly message: string };

export interface ClientMetrics {
  readonly clientId: number;
  readonly remoteAddress: string;
  readonly encoding: WireEncoding;
  readonly subscription: SubscriptionState;
  readonly sentMessages: number;
  readonly invalidMessages: number;
  /** Messages and bytes handed to the socket but not yet written (the send budget in use). */
  readonly queuedMessages: number;
  readonly queuedBytes: number;
  readonly peakQueuedMessages: number;
  readonly peakQueuedBytes: number;
}

export interface WebSocketServerMetrics {
  readonly clients: number;
  /** Connections accepted since start. */
  readonly connections: number;
  /** Upgrade requests refused (bad path, origin, token or encoding). */
  readonly rejectedUpgrades: number;
  /** Clients cut off by the server, per reason. */
  readonly dropped: Readonly<Record<DropReason, number>>;
  readonly recordsPublished: number;
  /** Highest queued messages / bytes any client ever reached (bounded by the budget). */
  readonly peakQueuedMessages: number;
  readonly peakQueuedBytes: number;
  readonly perClient: readonly ClientMetrics[];
}
