/**
 * Keeps a live source's `ptsMs` strictly increasing across reconnections and glitches.
 *
 * Each ffmpeg run restarts its timestamps (near 0 for RTSP), so every connection is anchored
 * anew: its first frame gets the previous frame's `ptsMs` plus the wall-clock time that passed
 * since that frame (an outage of 4 s shows as a 4 s gap in media time, so temporal operators
 * see the gap). Within a connection the media clock is used as is.
 *
 * ```
 * connection 1 raw   0  33  67 100          (outage 2000 ms wall)
 * connection 2 raw                      0  33  67
 * ptsMs              0  33  67 100   2100 2133 2167
 * ```
 * A frame whose time does not advance (B-frames decoded out of order, a server re-sending) is
 * refused (the source drops and counts it); a jump back of more than `BACKWARD_JUMP_MS` (a
 * server looping its file) re-anchors like a reconnection.
 */

/** Backward jumps larger than this, in ms, are discontinuities rather than reordering. */
export const BACKWARD_JUMP_MS = 1000;

export class MediaClock {
  private offset: number | undefined;
  private last: number | undefined;
  private lastWallMs: number | undefined;

  /** A new connection starts: its first frame is anchored to the wall clock. */
  reanchor(): void {
    this.offset = undefined;
  }

  /**
   * `ptsMs` for a frame with media time `rawMs` (NaN when unknown) that arrived at `wallMs`,
   * or undefined when the frame is out of order and must be dropped.
   */
  map(rawMs: number, wallMs: number): number | undefined {
    const known = Number.isFinite(rawMs);
    const jumpedBack =
      known &&
      this.offset !== undefined &&
      this.last !== undefined &&
      rawMs + this.offset < this.last - BACKWARD_JUMP_MS;
    if (!known || this.offset === undefined || jumpedBack) {
      const base =
        this.last === undefined ? 0 : this.last + Math.max(1, wallMs - (this.lastWallMs ?? wallMs));
      this.offset = known ? base - rawMs : undefined;
      return this.accept(base, wallMs);
    }
    const ptsMs = Math.round((rawMs + this.offset) * 1000) / 1000;
    if (this.last !== undefined && ptsMs <= this.last) return undefined;
    return this.accept(ptsMs, wallMs);
  }

  private accept(ptsMs: number, wallMs: number): number {
    this.last = ptsMs;
    this.lastWallMs = wallMs;
    return ptsMs;
  }
}
