/**
 * The One Euro filter (Casiez, Roussel and Vogel, CHI 2012): a low-pass whose cutoff rises
 * with the speed of the signal, so it is smooth when the AU holds still and quick when it
 * moves.
 *
 * Per sample, with `dt` in seconds from `ptsMs` and `alpha(fc) = 1 / (1 + 1 / (2 pi fc dt))`:
 * `dx = (x - xHat) / dt`, `dxHat += alpha(dCutoffHz) * (dx - dxHat)`,
 * `fc = minCutoffHz + beta * |dxHat|`, `xHat += alpha(fc) * (x - xHat)`.
 * Probabilities are in [0, 1], so `dx` is in probability per second and `beta` in Hz per
 * (probability per second).
 *
 * Lag: at rest, a first-order low-pass with time constant `1 / (2 pi minCutoffHz)` (159 ms at
 * 1 Hz); during fast changes the cutoff grows by `beta * |dxHat|` and the lag shrinks.
 * @see https://gery.casiez.net/1euro/
 */
import type { Smoother } from './smoother.js';

/** One Euro parameters, in hertz (cutoffs) and Hz per (probability / s) (`beta`). */
export interface OneEuroParameters {
  readonly minCutoffHz: number;
  readonly beta: number;
  readonly dCutoffHz: number;
}

/** `alpha` of a first-order low-pass with cutoff `cutoffHz` for a step of `dt` seconds. */
export function oneEuroAlpha(cutoffHz: number, dt: number): number {
  return 1 / (1 + 1 / (2 * Math.PI * cutoffHz * dt));
}

/** Creates a One Euro filter. */
export function createOneEuro({ minCutoffHz, beta, dCutoffHz }: OneEuroParameters): Smoother {
  let xHat: number | undefined;
  let dxHat = 0;
  let lastMs = 0;
  return {
    update(value: number, ptsMs: number): number {
      if (xHat === undefined) {
        xHat = value;
        lastMs = ptsMs;
        return xHat;
      }
      const dt = (ptsMs - lastMs) / 1000;
      if (dt <= 0) return xHat;
      lastMs = ptsMs;
      const dx = (value - xHat) / dt;
      dxHat += oneEuroAlpha(dCutoffHz, dt) * (dx - dxHat);
      const cutoff = minCutoffHz + beta * Math.abs(dxHat);
      xHat += oneEuroAlpha(cutoff, dt) * (value - xHat);
      return xHat;
    },
  };
}
