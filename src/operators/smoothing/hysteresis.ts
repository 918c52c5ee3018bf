/**
 * On/off activation with hysteresis and a minimum duration, in media time.
 *
 * The flag turns on when the value has stayed at or above `on` for `minDurationMs`, and off
 * when it has stayed below `off` for `minDurationMs` (`off <= on`). Between the two thresholds
 * nothing changes, so a value jittering around one threshold does not flicker; episodes and
 * gaps shorter than `minDurationMs` are ignored.
 *
 * ```
 * value   .2 .6 .45 .6 .3 .3 .3      (on .5, off .4, minDurationMs 0)
 * active   0  1  1   1  0  0  0
 * ```
 * Lag: a change is reported `minDurationMs` after the crossing (at the first frame at or past
 * it), on top of the smoother's own lag.
 */

/** One AU's activation state; feed it the (smoothed) value of each frame in order. */
export interface Hysteresis {
  update(value: number, ptsMs: number): boolean;
  readonly active: boolean;
}

/** Creates the state; thresholds are probabilities, `minDurationMs` ms of media time. */
export function createHysteresis(on: number, off: number, minDurationMs: number): Hysteresis {
  let active = false;
  let pendingSinceMs: number | undefined;
  return {
    get active(): boolean {
      return active;
    },
    update(value: number, ptsMs: number): boolean {
      const wantsChange = active ? value < off : value >= on;
      if (!wantsChange) {
        pendingSinceMs = undefined;
        return active;
      }
      pendingSinceMs ??= ptsMs;
      if (ptsMs - pendingSinceMs >= minDurationMs) {
        active = !active;
        pendingSinceMs = undefined;
      }
      return active;
    },
  };
}
