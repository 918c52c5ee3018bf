/**
 * Exponential moving average with a time constant in media time.
 *
 * For a step of `dt` ms, `alpha = 1 - exp(-dt / tauMs)` and `y += alpha * (x - y)`: the exact
 * discretisation of a first-order low-pass, so two frames 33 ms apart move the output exactly
 * as far as one frame 66 ms later would (variable frame rates and dropped frames are fine).
 *
 * Lag: after a step the output covers 63% of it after `tauMs` (1 - e^-1) and 95% after
 * 3 * `tauMs`; on a ramp the output trails by `tauMs` once settled.
 */
import type { Smoother } from './smoother.js';

/** Creates an EMA with time constant `tauMs` (ms of media time, > 0). */
export function createEma(tauMs: number): Smoother {
  let y: number | undefined;
  let lastMs = 0;
  return {
    update(value: number, ptsMs: number): number {
      if (y === undefined) {
        y = value;
        lastMs = ptsMs;
        return y;
      }
      const dt = ptsMs - lastMs;
      if (dt <= 0) return y;
      lastMs = ptsMs;
      y += (1 - Math.exp(-dt / tauMs)) * (value - y);
      return y;
    },
  };
}
