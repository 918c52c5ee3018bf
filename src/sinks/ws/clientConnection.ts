/**
 * One connected client: its encoding, subscription, send budget, heartbeat state and the rules
 * for cutting it off. The server owns the list of clients; this class owns one socket.
 *
 * Everything sent after the hello is counted against the send budget (records, replies,
 * statuses), so a client that stops reading costs at most `maxQueuedBytes` of server memory.
 * The hello and the final notice are outside the budget: one each per connection.
 */
import type { WebSocket, RawData } from 'ws';
import { AufError } from '../../errors.js';
import { ClientBudget } from './clientBudget.js';
import { decodeClientFrame, encodeMessage, type EncodedMessage } from './encoding.js';
import { parseClientMessage } from './parseClientMessage.js';
import {
  CLOSE_CODES,
  type DropReason,
  type NoticeMessage,
  type ServerMessage,
  type WireEncoding,
} from './protocol.js';
import { Subscription } from './subscription.js';

export interface ClientLimits {
  readonly maxQueuedMessages: number;
  readonly maxQueuedBytes: number;
  readonly maxInvalidMessages: number;
  readonly closeTimeoutMs: number;
}

const CLOSE_CODE_BY_REASON = {
  'send-budget-exceeded': CLOSE_CODES.sendBudgetExceeded,
  'too-many-invalid-messages': CLOSE_CODES.policyViolation,
  'server-shutdown': CLOSE_CODES.serverShutdown,
} as const;

export class ClientConnection {
  readonly subscription = new Subscription();
  readonly budget: ClientBudget;
  sentMessages = 0;
  invalidMessages = 0;
  /** Set once the server has decided to close this client; it then gets nothing more. */
  dropReason: DropReason | undefined;
  private awaitingPong = false;
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: number,
    private readonly ws: WebSocket,
    readonly encoding: WireEncoding,
    readonly remoteAddress: string,
    private readonly limits: ClientLimits,
    private readonly onDrop: (client: ClientConnection, reason: DropReason) => void,
  ) {
    this.budget = new ClientBudget(limits.maxQueuedMessages, limits.maxQueuedBytes);
    ws.on('pong', () => {
      this.awaitingPong = false;
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.receive(data, isBinary));
    ws.once('close', () => clearTimeout(this.closeTimer));
  }

  /** Sends outside the budget (the hello). */
  sendUnbudgeted(message: ServerMessage): void {
    const { data, binary } = encodeMessage(message, this.encoding);
    this.ws.send(data, { binary });
  }

  /**
   * Sends within the budget; a message that does not fit drops the client instead.
   * Returns true when the message was queued.
   */
  send(encoded: EncodedMessage): boolean {
    if (this.dropReason !== undefined) return false;
    const size = encoded.data.byteLength;
    if (!this.budget.tryReserve(size, this.ws.bufferedAmount)) {
      this.drop('send-budget-exceeded');
      return false;
    }
    this.sentMessages += 1;
    this.ws.send(encoded.data, { binary: encoded.binary }, () => this.budget.release(size));
    return true;
  }

  /** One heartbeat tick: terminates a client that missed the previous ping, else pings it. */
  heartbeat(): void {
    if (this.dropReason !== undefined) return;
    if (this.awaitingPong) {
      this.dropReason = 'heartbeat';
      this.onDrop(this, 'heartbeat');
      this.ws.terminate();
      return;
    }
    this.awaitingPong = true;
    this.ws.ping();
  }

  /**
   * Sends a notice, starts the close handshake with the reason's close code, and destroys the
   * socket if the handshake has not finished within `closeTimeoutMs`.
   */
  drop(reason: NoticeMessage['reason'], message = NOTICE_TEXT[reason]): void {
    if (this.dropReason !== undefined) return;
    this.dropReason = reason;
    this.onDrop(this, reason);
    this.sendUnbudgeted({ type: 'notice', reason, message });
    if (this.ws.readyState === this.ws.CLOSED) return; // 'close' already ran: no timer to clear
    this.ws.close(CLOSE_CODE_BY_REASON[reason], reason);
    this.closeTimer = setTimeout(() => this.ws.terminate(), this.limits.closeTimeoutMs);
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.dropReason !== undefined) return;
    try {
      const message = parseClientMessage(decodeClientFrame(data, isBinary));
      if (message.type === 'ping') {
        this.send(
          encodeMessage(
            { type: 'pong', ...(message.id === undefined ? {} : { id: message.id }) },
            this.encoding,
          ),
        );
        return;
      }
      if (message.type === 'subscribe') this.subscription.subscribe(message.sources);
      else this.subscription.unsubscribe(message.sources);
      this.send(encodeMessage({ type: 'subscription', ...this.subscription.state() }, this.encoding));
    } catch (error) {
      // Only bad input lands here; anything else is still reported, never thrown into `ws`.
      this.rejectMessage(
        error instanceof AufError
          ? error
          : new AufError('AUF_ERR_CLIENT_MESSAGE', 'The message could not be handled; check its fields.', {
              cause: error,
            }),
      );
    }
  }

  private rejectMessage(error: AufError): void {
    this.invalidMessages += 1;
    if (this.invalidMessages > this.limits.maxInvalidMessages) {
      this.drop(
        'too-many-invalid-messages',
        `${error.message} Closing: more than ${this.limits.maxInvalidMessages} invalid messages on this connection.`,
      );
      return;
    }
    const reply: ServerMessage = {
      type: 'error',
      code: 'AUF_ERR_CLIENT_MESSAGE',
      message: error.message,
      invalidMessages: this.invalidMessages,
    };
    this.send(encodeMessage(reply, this.encoding));
  }
}

const NOTICE_TEXT: Record<NoticeMessage['reason'], string> = {
  'send-budget-exceeded':
    'Closing: this client fell behind the server send budget (maxQueuedMessages / maxQueuedBytes). ' +
    'Read faster, subscribe to fewer sources, or reconnect.',
  'too-many-invalid-messages': 'Closing: too many invalid messages on this connection.',
  'server-shutdown': 'Closing: the server is shutting down.',
};
