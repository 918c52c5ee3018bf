/**
 * Constant-velocity Kalman filter on a face box, in media time.
 *
 * State: centre x, centre y, width and height (pixels), each with its velocity (pixels per
 * second). The four coordinates move independently and every noise term is diagonal per
 * coordinate, so the 8-D filter factors exactly into four 2-D filters (position, velocity);
 * that keeps the maths readable without a matrix library. As in ByteTrack, noise scales with
 * the box height so that small (far) and large (near) faces behave alike. Time steps come from
 * `ptsMs`, so dropped frames and variable frame rates simply mean a longer prediction.
 *
 * Process noise is the continuous white-acceleration model: for a step of `dt` seconds,
 * `Q = q * [[dt^3/3, dt^2/2], [dt^2/2, dt]]` with `q = (ACCELERATION * height)^2`.
 */
import type { Box } from '../../types/face.js';

/** Measurement noise: std of a detected coordinate, as a fraction of the box height. */
const MEASUREMENT = 1 / 20;
/** Acceleration noise std, in box heights per second squared. */
const ACCELERATION = 2;
/** Initial velocity std, in box heights per second. */
const INITIAL_VELOCITY = 1;
/** Smallest side a predicted box may shrink to, in pixels. */
const MIN_SIDE = 1;

interface Axis {
  p: number;
  v: number;
  p00: number;
  p01: number;
  p11: number;
}

/** Kalman filter on one track's box; `predict` then (if matched) `update`, once per frame. */
export class BoxKalman {
  private readonly axes: [Axis, Axis, Axis, Axis];
  private ptsMs: number;

  constructor(box: Box, ptsMs: number) {
    const h = Math.max(box.height, MIN_SIDE);
    const pos = (MEASUREMENT * h) ** 2;
    const vel = (INITIAL_VELOCITY * h) ** 2;
    const axis = (p: number): Axis => ({ p, v: 0, p00: pos, p01: 0, p11: vel });
    this.axes = [
      axis(box.x + box.width / 2),
      axis(box.y + box.height / 2),
      axis(box.width),
      axis(box.height),
    ];
    this.ptsMs = ptsMs;
  }

  /** The current estimate as a box in pixels. */
  get box(): Box {
    const [cx, cy, w, h] = this.axes;
    const width = Math.max(w.p, MIN_SIDE);
    const height = Math.max(h.p, MIN_SIDE);
    return { x: cx.p - width / 2, y: cy.p - height / 2, width, height };
  }

  /** Advances the state to `ptsMs` (no-op when time does not move forward); returns the box. */
  predict(ptsMs: number): Box {
    const dt = (ptsMs - this.ptsMs) / 1000;
    if (dt <= 0) return this.box;
    this.ptsMs = ptsMs;
    const q = (ACCELERATION * Math.max(this.axes[3].p, MIN_SIDE)) ** 2;
    for (const a of this.axes) {
      a.p += a.v * dt;
      // P = F P F^T + Q with F = [[1, dt], [0, 1]].
      const p00 = a.p00 + 2 * dt * a.p01 + dt * dt * a.p11 + (q * dt ** 3) / 3;
      const p01 = a.p01 + dt * a.p11 + (q * dt ** 2) / 2;
      a.p00 = p00;
      a.p01 = p01;
      a.p11 += q * dt;
    }
    return this.box;
  }

  /** Corrects the state with a detected box (call after `predict` for the same frame). */
  update(box: Box): void {
    const r = (MEASUREMENT * Math.max(box.height, MIN_SIDE)) ** 2;
    const measured = [box.x + box.width / 2, box.y + box.height / 2, box.width, box.height];
    this.axes.forEach((a, k) => {
      const s = a.p00 + r;
      const k0 = a.p00 / s;
      const k1 = a.p01 / s;
      const innovation = (measured[k] ?? a.p) - a.p;
      a.p += k0 * innovation;
      a.v += k1 * innovation;
      const p00 = (1 - k0) * a.p00;
      const p01 = (1 - k0) * a.p01;
      a.p11 -= k1 * a.p01;
      a.p00 = p00;
      a.p01 = p01;
    });
  }

  /** Forgets size velocities (used while a track is lost, so a hidden box does not balloon). */
  freezeSize(): void {
    this.axes[2].v = 0;
    this.axes[3].v = 0;
  }
}
