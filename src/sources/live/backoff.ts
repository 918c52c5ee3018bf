/**
 * Reconnection waits: exponential backoff with jitter, so many cameras that dropped together
 * do not all hammer the server at the same instant when it comes back.
 *
 * ```
 * attempt      1      2      3      4     ...   (initialDelayMs 500, maxDelayMs 30000, jitter 0.5)
 * delay (ms)  500   1000   2000   4000    ...   capped at 30000
 * wait (ms)  250..500  500..1000  1000..2000  ...   delay * (1 - jitter * random())
 * ```
 */

export interface BackoffPolicy {
  /** Delay before the first reconnection, in ms. */
  readonly initialDelayMs: number;
  /** Cap of the delay, in ms. */
  readonly maxDelayMs: number;
  /** Fraction of the delay that is randomised away, in [0, 1]. */
  readonly jitter: number;
}

/**
 * Wait before reconnection `attempt` (1-based), in ms. `random` returns a number in [0, 1)
 * (`Math.random` by default; tests pass a fixed one).
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  // 2 ** 1024 is Infinity, so cap the exponent before the multiplication can overflow.
  const delay = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(exponent, 52));
  return Math.round(delay * (1 - policy.jitter * random()));
}
