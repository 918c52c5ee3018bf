/**
 * Records a live source's status reports and frames for assertions, and waits (bounded) for
 * a condition on them. Every wait has a deadline, so a broken source fails the test instead of
 * hanging it.
 */
import type { Subscription } from 'rxjs';
import type { LiveSource } from '../../src/sources/live/liveSource.js';
import type { Frame } from '../../src/types/frame.js';
import type { SourceStatus } from '../../src/types/sourceStatus.js';

export class LiveWatch {
  readonly statuses: SourceStatus[] = [];
  readonly frames: Omit<Frame, 'data'>[] = [];
  error: unknown;
  private readonly subscriptions: Subscription[] = [];

  /** Subscribes to status and frames; `onFrame` runs inside `next` (to retain frames, ...). */
  constructor(source: LiveSource, onFrame?: (frame: Frame) => void) {
    this.subscriptions.push(source.status.subscribe((s) => this.statuses.push(s)));
    this.subscriptions.push(
      source.frames.subscribe({
        next: (frame) => {
          const { data, ...meta } = frame;
          if (data.length !== frame.width * frame.height * 3)
            throw new Error(`frame ${frame.index}: ${data.length} bytes`);
          this.frames.push(meta);
          onFrame?.(frame);
        },
        error: (error: unknown) => {
          this.error = error;
        },
      }),
    );
  }

  get states(): string[] {
    return this.statuses.map((s) => s.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);
  }

  get last(): SourceStatus | undefined {
    return this.statuses[this.statuses.length - 1];
  }

  /** Polls every 20 ms until `check()` is true; rejects after `timeoutMs` saying what it waited for. */
  async until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; states ${this.states.join(' > ')}, ` +
            `${this.frames.length} frames, error ${String(this.error)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Unsubscribes frames (kills ffmpeg, reports `ended`), then status. */
  close(): void {
    for (const s of this.subscriptions.splice(0).reverse()) s.unsubscribe();
  }
}
