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
