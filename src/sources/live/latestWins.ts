/**
 * Latest-wins hand-off from a live decoder to a pipeline that may be slower than the camera.
 *
 * A live source never pauses ffmpeg (the camera does not wait). Up to `maxInFlight` frames may
 * be retained downstream (see operators/frameLease.ts); a frame arriving while that many are
 * out waits in a single slot, and a newer arrival replaces it (the older one is dropped and
 * counted). Memory is bounded by `maxInFlight + 1` frames whatever the pipeline does.
 *
 * ```
 * decoded    --f0--f1--f2--f3--------f4--
 * in flight    f0 .............f0 freed -> f3 out
 * slot              f1  f2  f3            (f1, f2 dropped: 2)
 * emitted    --f0------------------f3--f4-
 * ```
 */
import { emitLeased } from '../../operators/frameLease.js';
import type { Frame } from '../../types/frame.js';

export class LatestWins {
  private inFlight = 0;
  private pending: Frame | undefined;
  private closed = false;
  /** Frames replaced in the slot before they could be emitted. */
  dropped = 0;

  constructor(
    private readonly maxInFlight: number,
    private readonly emit: (frame: Frame) => void,
  ) {}

  /** Emits `frame` now if downstream has room, else keeps it as the one pending frame. */
  offer(frame: Frame): void {
    if (this.closed) return;
    if (this.inFlight < this.maxInFlight) {
      this.send(frame);
      return;
    }
    if (this.pending) this.dropped += 1;
    this.pending = frame;
  }

  /** Frames held and not yet emitted (0 or 1). */
  get pendingCount(): number {
    return this.pending ? 1 : 0;
  }

  /** Frames emitted and still retained downstream. */
  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Stops emitting and forgets the pending frame (on teardown or a terminal error). */
  close(): void {
    this.closed = true;
    this.pending = undefined;
  }

  private send(frame: Frame): void {
    this.inFlight += 1;
    emitLeased(frame, this.emit, () => {
      this.inFlight -= 1;
      const next = this.pending;
      if (next && !this.closed) {
        this.pending = undefined;
        this.send(next);
      }
    });
  }
}
