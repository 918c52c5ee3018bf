/**
 * Puts a `StreamHub`'s per-source metrics on the wire: every `everyMs`, each source's latest
 * status is sent again through `server.updateSource` with the hub's fps, latency, drop and
 * batch figures added, so a dashboard shows them without a second protocol.
 *
 * State changes still travel as they happen (whoever forwards `hub.status`); these periodic
 * `status` messages only refresh the numbers. Clients merge the fields they know.
 *
 * ```
 * hub.status   --live-------------------stalled---------->
 * metrics tick -----t--------t--------t--------t--------->   (everyMs)
 * published    -----s+m------s+m------s+m------s'+m------>   (s = last status, m = metrics)
 * ```
 *
 * @example
 * ```ts
 * const sub = publishHubMetrics(hub, server, { everyMs: 1000 });
 * // clients get { type: 'status', sourceId: 'cam-1', state: 'live', fpsIn: 29.8, latencyMs: { p50: 41, p95: 80 }, ... }
 * sub.unsubscribe();
 * ```
 * @see docs/dashboard.md
 */
import { interval, type SchedulerLike, Subscription, asyncScheduler } from 'rxjs';
import { OptionError } from '../errors.js';
import type { HubSourceMetrics } from '../hub/StreamHub.js';
import type { WireSourceStatus as WireStatus } from '../sinks/ws/protocol.js';
import type { SourceStatus } from '../types/sourceStatus.js';
import type { Observable } from 'rxjs';

export interface PublishHubMetricsOptions {
  /** Milliseconds between two publications. Defaults to 1000. */
  readonly everyMs?: number;
  /** Scheduler of the timer (tests use virtual time). Defaults to `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

const DEFAULTS = { everyMs: 1000, scheduler: asyncScheduler } as const;

/** What it needs of a `StreamHub`. */
export interface MetricsHub {
  readonly status: Observable<SourceStatus>;
  metrics(): HubSourceMetrics[];
}

/** The extra fields every periodic `status` message carries. */
export interface StatusMetrics {
  /** Frames per second reaching the hub, over the last 5 s. */
  readonly fpsIn: number;
  /** Frame results per second, over the last 5 s. */
  readonly fpsOut: number;
  /** Capture to result, ms (p50, p95 of the last 256 results). */
  readonly latencyMs: { readonly p50: number; readonly p95: number };
  /** Frames lost at the source or in the hub since the source was added. */
  readonly dropped: number;
  /** Mean batch fill of the shared model for this source, in [0, 1]. */
  readonly batchFill: number;
  readonly framesOut: number;
}

export function publishHubMetrics(
  hub: MetricsHub,
  server: { updateSource(status: WireStatus): void },
  options?: PublishHubMetricsOptions,
): Subscription {
  const { everyMs, scheduler } = { ...DEFAULTS, ...options };
  if (!(Number.isFinite(everyMs) && everyMs >= 10)) {
    throw new OptionError(
      `publishHubMetrics: "everyMs" must be a number >= 10 (ms), got ${String(everyMs)}.`,
    );
  }
  const last = new Map<string, SourceStatus>();
  const subscription = new Subscription();
  subscription.add(hub.status.subscribe((s) => last.set(s.sourceId, s)));
  subscription.add(
    interval(everyMs, scheduler).subscribe(() => {
      for (const m of hub.metrics()) server.updateSource(withMetrics(last.get(m.sourceId), m));
    }),
  );
  return subscription;
}

/** The source's last status (or a bare one from the metrics) plus the numbers. */
export function withMetrics(
  status: SourceStatus | undefined,
  m: HubSourceMetrics,
): WireStatus & StatusMetrics {
  const numbers: StatusMetrics = {
    fpsIn: m.fpsIn,
    fpsOut: m.fpsOut,
    latencyMs: { ...m.latencyMs },
    dropped: m.dropped,
    batchFill: m.batchFill,
    framesOut: m.framesOut,
  };
  const base = status ?? {
    sourceId: m.sourceId,
    reconnects: 0,
    droppedFrames: m.dropped,
    framesIn: m.framesIn,
  };
  return { ...base, state: m.state, ...numbers };
}
