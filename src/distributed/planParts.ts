/**
 * Splits a file's duration into part ranges for `--chunk`. Each part but the first also decodes
 * `preRollMs` before its start to warm the tracker and smoother; those frames are dropped.
 *
 * ```
 * duration 25 min, chunk 10 min:  [0, 10)  [10, 20)  [20, end)
 * decoded with a 5 s pre-roll:     0        9:55      19:55
 * ```
 */
import { OptionError } from '../errors.js';

export interface PartRange {
  readonly startMs: number;
  /** Undefined for the last part: it runs to the end of the file. */
  readonly endMs?: number;
}

/**
 * Ranges for a file of `durationMs` (undefined: unknown, one part). A last part shorter than a
 * quarter chunk is folded into the one before it (a 10 min 5 s file is one part, not two).
 */
export function planParts(durationMs: number | undefined, chunkMs: number | undefined): PartRange[] {
  if (chunkMs !== undefined && !(Number.isFinite(chunkMs) && chunkMs >= 1000)) {
    throw new OptionError(`ArchiveQueue: chunkMs must be a number >= 1000 (ms), got ${String(chunkMs)}.`);
  }
  if (chunkMs === undefined || durationMs === undefined || durationMs <= chunkMs * 1.25) {
    return [{ startMs: 0 }];
  }
  const whole = Math.floor(durationMs / chunkMs);
  const count = durationMs - whole * chunkMs >= chunkMs / 4 ? whole + 1 : whole;
  const ranges: PartRange[] = [];
  for (let i = 0; i < count; i += 1) {
    const startMs = i * chunkMs;
    ranges.push(i === count - 1 ? { startMs } : { startMs, endMs: startMs + chunkMs });
  }
  return ranges;
}
