/**
 * Keeps a live source's counters and state, and reports them: on every state change at once,
 * and while frames flow at most once per `intervalMs` (a 30 fps camera does not send 30
 * status objects a second).
 */
import type { SourceState, SourceStatus } from '../../types/sourceStatus.js';

export class StatusReporter {
  state: SourceState = 'connecting';
  reconnects = 0;
  framesIn = 0;
  /** Out-of-order frames dropped before the latest-wins slot (which counts its own). */
  outOfOrder = 0;
  lastFrameAtMs: number | undefined;
  error: { code: string; message: string } | undefined;
  private lastReportAtMs = 0;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sourceId: string,
    private readonly intervalMs: number,
    private readonly slotDropped: () => number,
    private readonly report: (status: SourceStatus) => void,
  ) {}

  /** Changes state (reports immediately, also when the state is unchanged but `error` is new). */
  set(state: SourceState, error?: { code: string; message: string }): void {
    this.state = state;
    if (error) this.error = error;
    else if (state === 'live') this.error = undefined;
    this.flush();
  }

  /** Counters changed while live: report now or when the interval is up. */
  touch(): void {
    this.dirty = true;
    if (this.timer) return;
    const wait = this.lastReportAtMs + this.intervalMs - Date.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.dirty) this.flush();
    }, wait);
  }

  snapshot(): SourceStatus {
    return {
      sourceId: this.sourceId,
      state: this.state,
      reconnects: this.reconnects,
      droppedFrames: this.outOfOrder + this.slotDropped(),
      framesIn: this.framesIn,
      ...(this.lastFrameAtMs !== undefined ? { lastFrameAtMs: this.lastFrameAtMs } : {}),
      ...(this.error ? { error: { ...this.error } } : {}),
    };
  }

  /** Clears the pending report timer (teardown). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.dispose();
    this.dirty = false;
    this.lastReportAtMs = Date.now();
    this.report(this.snapshot());
  }
}
