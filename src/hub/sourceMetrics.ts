/**
 * Per-source counters of a `StreamHub` pipeline: frame rates in and out, dropped frames, how
 * full the shared model's batches were, and latency from capture to result.
 *
 * Rates are over the last `windowMs` of wall time; latency percentiles over the last
 * `latencySamples` results. Both windows are fixed-size, so a source that runs for days holds
 * the same few kilobytes as one that just started.
 *
 * ```
 * frame in:    --f0--f1--f2--f3--f4--      (f2 dropped at the source: index gap)
 * result out:  ------r0----r1------r3--    latency = emittedAt - f.capturedAtMs
 * ```
 */
import type { AUModelStats } from '../model/AUModel.js';
import type { FrameResult } from '../types/result.js';

/** A snapshot of one source's metrics (plain data). */
export interface SourceMetrics {
  readonly sourceId: string;
  /** Frames that reached the hub per second, over the last 5 s of wall time. */
  readonly fpsIn: number;
  /** Frame results emitted per second, over the last 5 s of wall time. */
  readonly fpsOut: number;
  /** Frames received since the source was added (including those the hub dropped). */
  readonly framesIn: number;
  /** Frame results emitted since the source was added. */
  readonly framesOut: number;
  /**
   * Frames lost since the source was added: gaps in `Frame.index` (dropped by a latest-wins
   * source) plus frames the hub dropped because its pipeline was full.
   */
  readonly dropped: number;
  /**
   * Mean size of the model's recent batches (its last 256) that held a crop of this source,
   * divided by the model's `maxBatch`, in [0, 1]; 0 before the first crop.
   */
  readonly batchFill: number;
  /** Capture (`Frame.capturedAtMs`) to result emission, in ms, over the last 256 results; 0 before any. */
  readonly latencyMs: { readonly p50: number; readonly p95: number };
}

const WINDOW_MS = 5000;
const LATENCY_SAMPLES = 256;
/** Caps the rate windows at 1000 fps over `WINDOW_MS`, whatever a source sends. */
const MAX_STAMPS = 5000;

export class SourceMetricsRecorder {
  private framesIn = 0;
  private framesOut = 0;
  private gaps = 0;
  private hubDropped = 0;
  private lastIndex: number | undefined;
  private readonly inStamps: number[] = [];
  private readonly outStamps: number[] = [];
  private readonly latencies = new Float64Array(LATENCY_SAMPLES);
  private latencyCount = 0;

  constructor(readonly sourceId: string) {}

  /** A frame reached the hub at `nowMs` (wall clock). */
  frameIn(index: number, nowMs: number): void {
    this.framesIn += 1;
    if (this.lastIndex !== undefined && index > this.lastIndex + 1) this.gaps += index - this.lastIndex - 1;
    if (this.lastIndex === undefined || index > this.lastIndex) this.lastIndex = index;
    stamp(this.inStamps, nowMs);
  }

  /** The hub's pipeline was full: the frame was not processed. */
  droppedByHub(): void {
    this.hubDropped += 1;
  }

  /** A frame result was emitted at `nowMs` (wall clock). */
  resultOut(result: FrameResult, nowMs: number): void {
    this.framesOut += 1;
    stamp(this.outStamps, nowMs);
    this.latencies[this.latencyCount % LATENCY_SAMPLES] = Math.max(0, nowMs - result.capturedAtMs);
    this.latencyCount += 1;
  }

  snapshot(nowMs: number, model: { readonly maxBatch: number; readonly stats: AUModelStats }): SourceMetrics {
    return {
      sourceId: this.sourceId,
      fpsIn: rate(this.inStamps, nowMs),
      fpsOut: rate(this.outStamps, nowMs),
      framesIn: this.framesIn,
      framesOut: this.framesOut,
      dropped: this.gaps + this.hubDropped,
      batchFill: batchFill(this.sourceId, model),
      latencyMs: percentiles(this.latencies.subarray(0, Math.min(this.latencyCount, LATENCY_SAMPLES))),
    };
  }
}

function stamp(stamps: number[], nowMs: number): void {
  stamps.push(nowMs);
  while (stamps.length > MAX_STAMPS || (stamps[0] as number) < nowMs - WINDOW_MS) stamps.shift();
}

/** Events per second over the window; over the time since the first event while it is shorter. */
function rate(stamps: number[], nowMs: number): number {
  while (stamps.length > 0 && (stamps[0] as number) < nowMs - WINDOW_MS) stamps.shift();
  if (stamps.length < 2) return 0;
  const spanMs = Math.max(nowMs - (stamps[0] as number), 1);
  return Math.round(((stamps.length - 1) * 1000 * 10) / spanMs) / 10;
}

function batchFill(tag: string, model: { readonly maxBatch: number; readonly stats: AUModelStats }): number {
  let sum = 0;
  let count = 0;
  for (const batch of model.stats.recentBatches) {
    if (!batch.tags.includes(tag)) continue;
    sum += batch.size;
    count += 1;
  }
  return count === 0 ? 0 : Math.round((sum / count / model.maxBatch) * 1000) / 1000;
}

function percentiles(samples: Float64Array): { p50: number; p95: number } {
  if (samples.length === 0) return { p50: 0, p95: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number): number => {
    const value = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
    return Math.round(value * 10) / 10;
  };
  return { p50: at(0.5), p95: at(0.95) };
}
