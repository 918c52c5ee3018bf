/**
 * Per-client send budget: how far one client may fall behind before it is dropped.
 *
 * `ws.send` never refuses data: for a client that stops reading, bytes pile up in the socket's
 * write buffer without limit. The budget counts every message handed to `ws.send` until its
 * write callback says the kernel took it, and refuses a message that would take the backlog
 * past `maxMessages` or `maxBytes`. The caller then drops the client, so the server holds at
 * most `maxBytes` (plus one small notice) for any client, however slow.
 */
export class ClientBudget {
  private messages = 0;
  private bytes = 0;
  private peakMessagesSeen = 0;
  private peakBytesSeen = 0;

  constructor(
    private readonly maxMessages: number,
    private readonly maxBytes: number,
  ) {}

  /** Messages sent but not yet written to the socket. */
  get queuedMessages(): number {
    return this.messages;
  }

  /** Bytes sent but not yet written to the socket. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** Highest `queuedMessages` so far; never above `maxMessages`. */
  get peakMessages(): number {
    return this.peakMessagesSeen;
  }

  /** Highest `queuedBytes` so far; never above `maxBytes`. */
  get peakBytes(): number {
    return this.peakBytesSeen;
  }

  /**
   * Reserves room for one message of `size` bytes. `bufferedAmount` is `ws.bufferedAmount`,
   * which also sees bytes queued outside this budget (pings, the hello, replies).
   * Returns false, reserving nothing, when the message does not fit.
   */
  tryReserve(size: number, bufferedAmount: number): boolean {
    const queuedBytes = Math.max(this.bytes, bufferedAmount);
    if (this.messages + 1 > this.maxMessages || queuedBytes + size > this.maxBytes) return false;
    this.messages += 1;
    this.bytes += size;
    this.peakMessagesSeen = Math.max(this.peakMessagesSeen, this.messages);
    this.peakBytesSeen = Math.max(this.peakBytesSeen, this.bytes);
    return true;
  }

  /** Gives back what `tryReserve` took, once the write callback has run (or failed). */
  release(size: number): void {
    this.messages -= 1;
    this.bytes -= size;
  }
}
