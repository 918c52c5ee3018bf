/**
 * Counters behind `WebSocketServerHandle.metrics()`.
 */
import type { ClientConnection } from './clientConnection.js';
import type { DropReason } from './protocol.js';
import type { ClientMetrics, WebSocketServerMetrics } from './webSocketServerHandle.js';

export interface ServerCounters {
  connections: number;
  rejectedUpgrades: number;
  recordsPublished: number;
  readonly dropped: Record<DropReason, number>;
  /** Folds a disconnected client's peaks into the server-wide peaks. */
  retire(client: ClientConnection): void;
  readonly retired: { peakQueuedMessages: number; peakQueuedBytes: number };
}

export function createCounters(): ServerCounters {
  const retired = { peakQueuedMessages: 0, peakQueuedBytes: 0 };
  return {
    connections: 0,
    rejectedUpgrades: 0,
    recordsPublished: 0,
    dropped: {
      'send-budget-exceeded': 0,
      'too-many-invalid-messages': 0,
      'server-shutdown': 0,
      heartbeat: 0,
    },
    retired,
    retire(client) {
      retired.peakQueuedMessages = Math.max(retired.peakQueuedMessages, client.budget.peakMessages);
      retired.peakQueuedBytes = Math.max(retired.peakQueuedBytes, client.budget.peakBytes);
    },
  };
}

/** A snapshot; `clients` are the ones still receiving. */
export function collectMetrics(
  counters: ServerCounters,
  clients: ReadonlySet<ClientConnection>,
): WebSocketServerMetrics {
  const perClient: ClientMetrics[] = [...clients].map((client) => ({
    clientId: client.id,
    remoteAddress: client.remoteAddress,
    encoding: client.encoding,
    subscription: client.subscription.state(),
    sentMessages: client.sentMessages,
    invalidMessages: client.invalidMessages,
    queuedMessages: client.budget.queuedMessages,
    queuedBytes: client.budget.queuedBytes,
    peakQueuedMessages: client.budget.peakMessages,
    peakQueuedBytes: client.budget.peakBytes,
  }));
  return {
    clients: clients.size,
    connections: counters.connections,
    rejectedUpgrades: counters.rejectedUpgrades,
    dropped: { ...counters.dropped },
    recordsPublished: counters.recordsPublished,
    peakQueuedMessages: Math.max(
      counters.retired.peakQueuedMessages,
      ...perClient.map((c) => c.peakQueuedMessages),
    ),
    peakQueuedBytes: Math.max(counters.retired.peakQueuedBytes, ...perClient.map((c) => c.peakQueuedBytes)),
    perClient,
  };
}
