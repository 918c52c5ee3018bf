/**
 * Peak resident set size of this process over a section of a bench, sampled every 50 ms.
 *
 * `process.resourceUsage().maxRSS` only reports the peak since the process started, so a
 * section that follows a bigger one would inherit its peak; sampling gives a per-section figure
 * (a spike shorter than the period can be missed: read it as "at least").
 *
 * @example
 * const rss = startRssSampler();
 * await runPipeline();
 * console.log(mb(rss.stop())); // "412.3"
 */
/** A running sampler; `stop()` ends sampling and returns the peak RSS in bytes. */
export interface RssSampler {
  /** Peak so far, in bytes. */
  peak(): number;
  stop(): number;
}

export function startRssSampler(periodMs = 50): RssSampler {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, periodMs);
  timer.unref();
  const sample = (): number => (peak = Math.max(peak, process.memoryUsage.rss()));
  return {
    peak: sample,
    stop: () => {
      clearInterval(timer);
      return sample();
    },
  };
}

/** Peak RSS of the whole process so far (kernel's figure), in bytes. */
export function processPeakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Bytes as MiB with one decimal, e.g. "412.3". */
export function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

/** One RSS sample of a soak, `atS` seconds after its start. */
export interface RssSample {
  readonly atS: number;
  readonly rss: number;
}

/**
 * Soak verdict: the largest RSS of the first third (after a one-minute warm-up when the run is
 * long enough) against that of the last third; under 10% growth is a plateau.
 */
export function plateauVerdict(samples: readonly RssSample[], minutes: number): string {
  const warm = samples.filter((s) => s.atS >= Math.min(60, (minutes * 60) / 3));
  const third = Math.max(1, Math.floor(warm.length / 3));
  const peak = (list: readonly RssSample[]): number => Math.max(...list.map((s) => s.rss));
  const early = peak(warm.slice(0, third));
  const late = peak(warm.slice(-third));
  const growth = ((late - early) / early) * 100;
  return (
    `RSS peak early ${mb(early)} MB, late ${mb(late)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%): ` +
    `${Math.abs(growth) < 10 ? 'plateau' : 'STILL GROWING: look for a leak'}`
  );
}
