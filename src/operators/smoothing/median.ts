/**
 * Running median over a window of media time: the median of the samples taken in
 * `(ptsMs - windowMs, ptsMs]`.
 *
 * It removes isolated spikes (a single bad frame) completely, unlike averaging filters, and
 * keeps steps sharp. Samples are not weighted by time: with variable gaps each frame counts
 * once. With an even count the two middle values are averaged.
 *
 * Lag: a step shows up once half of the window holds new samples, i.e. about `windowMs / 2`;
 * spikes shorter than `windowMs / 2` never show.
 */
import type { Smoother } from './smoother.js';

/** Bound on the samples kept, whatever the frame rate (memory stays bounded). */
const MAX_SAMPLES = 1024;

/** Creates a running median over `windowMs` (ms of media time, > 0). */
export function createMedian(windowMs: number): Smoother {
  const times: number[] = [];
  const values: number[] = [];
  return {
    update(value: number, ptsMs: number): number {
      const last = times[times.length - 1];
      if (last !== undefined && ptsMs <= last) return median(values);
      times.push(ptsMs);
      values.push(value);
      let drop = 0;
      while (drop < times.length - 1 && (times[drop] ?? ptsMs) <= ptsMs - windowMs) drop += 1;
      drop = Math.max(drop, times.length - MAX_SAMPLES);
      times.splice(0, drop);
      values.splice(0, drop);
      return median(values);
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[mid] ?? 0;
  return ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
