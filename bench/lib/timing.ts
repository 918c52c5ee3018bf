/**
 * Timing helpers shared by the benches: wall-clock runs, best-of-N and rates.
 *
 * Benchmarks on a shared 2-core machine are noisy: take the best of a few runs for throughput
 * (noise only ever slows a run down) and compare figures measured in the same process, close
 * together in time.
 *
 * @example
 * const { ms, value } = await timed(() => decodeAll(clip)); // value = frames decoded
 * console.log(perSecond(value, ms)); // frames/s
 */
import { performance } from 'node:perf_hooks';

/** The result of one timed run: what `fn` returned and how long it took, in ms. */
export interface Timed<T> {
  readonly value: T;
  readonly ms: number;
}

/** Runs `fn` once and times it (wall clock, ms). */
export async function timed<T>(fn: () => Promise<T> | T): Promise<Timed<T>> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/** `count` per second over `ms` milliseconds. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : 0;
}

/**
 * Runs `fn` `runs` times and returns the highest rate it reached; `fn` returns how many items
 * it processed (frames, faces). `check` may throw to reject a run that did the wrong amount.
 */
export async function bestRate(
  runs: number,
  fn: () => Promise<number>,
  check: (count: number) => void = () => undefined,
): Promise<number> {
  return (await bestRates(runs, [fn], check))[0] ?? 0;
}

/**
 * `bestRate` for several contenders, run in rounds (each once per round, in turn), so a burst of
 * load on the machine slows every contender of a round rather than one: their ratios stay fair.
 */
export async function bestRates(
  runs: number,
  fns: readonly (() => Promise<number>)[],
  check: (count: number, index: number) => void = () => undefined,
): Promise<number[]> {
  const best = fns.map(() => 0);
  for (let round = 0; round < runs; round += 1) {
    for (const [i, fn] of fns.entries()) {
      const { value, ms } = await timed(fn);
      check(value, i);
      best[i] = Math.max(best[i] ?? 0, perSecond(value, ms));
    }
  }
  return best;
}

/** Rate over a window: items counted between the first `skip` marks and the last one. */
export class RateWindow {
  private marks: { readonly at: number; readonly count: number }[] = [];
  private total = 0;

  /** Records that `count` more items were done now. */
  mark(count: number): void {
    this.total += count;
    this.marks.push({ at: performance.now(), count: this.total });
  }

  /** Items/s after the first `skip` marks (warm-up), or NaN when too few marks remain. */
  rate(skip: number): number {
    const first = this.marks[Math.min(skip, this.marks.length - 1)];
    const last = this.marks[this.marks.length - 1];
    if (!first || !last || last === first) return NaN;
    return perSecond(last.count - first.count, last.at - first.at);
  }

  get items(): number {
    return this.total;
  }
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
