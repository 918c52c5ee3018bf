/**
 * The contract shared by the per-AU smoothers: one instance per (source, track, AU), fed in
 * presentation order. Every smoother takes the sample's `ptsMs`, so its behaviour depends on
 * media time, not on how many frames arrived: dropped frames and variable frame rates change
 * the step size, not the meaning of the parameters.
 */
export interface Smoother {
  /**
   * Adds a sample taken at `ptsMs` and returns the smoothed value. The first sample is returned
   * as is. A sample that does not move time forward (`ptsMs` at or before the previous one)
   * leaves the state unchanged and returns the current value.
   */
  update(value: number, ptsMs: number): number;
}

/** A smoother that returns its input (method `none`). */
export function createIdentity(): Smoother {
  return { update: (value) => value };
}
