/**
 * Estimates each person's neutral expression per AU as it goes, and reports AU values
 * relative to it (the online counterpart of OpenFace's person-specific normalisation).
 *
 * Some faces look "active" at rest (a naturally raised brow, a resting smile, glasses, a
 * camera angle) and the model reports a constant offset for them. Per (source, track, AU) this
 * operator keeps one sample every `sampleEveryMs` of media time over the last `windowMs`, takes
 * the `percentile`-th percentile as the neutral level (a low percentile: people are neutral
 * most of the time, and a low one ignores their expressive moments), and adds `baseline` and
 * `relative = value - baseline` (in [-1, 1]) to each face. The value is `smoothed` when present
 * (put `baseline` after `smoothAUs`), raw `aus` otherwise. Until a track has been seen for
 * `warmupMs` its faces get no baseline fields (the estimate would be noise).
 *
 * When to use it: long recordings of the same people (interviews, sessions, monitoring) where
 * you compare a person with themselves over time. Do not use it for short clips, for people
 * who are expressive most of the time (the baseline rises and hides their expressions), or to
 * compare people with each other. Off by default: it is not in any pipeline unless added.
 *
 * ```
 * smoothed.AU12  .30 .32 .29 .80 .85 .31    (a resting smile at .3, one real smile)
 * baseline.AU12  .30 .30 .29 .29 .29 .29
 * relative.AU12  .00 .02 .00 .51 .56 .02
 * ```
 * Example
 * ```ts
 * import { smoothAUs, baseline } from 'auformer-stream';
 * results$.pipe(smoothAUs(), baseline({ windowMs: 120_000 }));
 * ```
 */
import type { OperatorFunction } from 'rxjs';
import { OptionError } from '../errors.js';
import type { AnalysisRecord, FaceResult } from '../types/result.js';
import { mapFacesPerTrack } from './tracking/perTrack.js';

export interface BaselineOptions {
  /** Media time the estimate looks back over, in ms. Defaults to 60000. */
  readonly windowMs?: number;
  /** Keep one sample per this much media time, in ms (bounds memory). Defaults to 200. */
  readonly sampleEveryMs?: number;
  /** Percentile of the window taken as neutral, in [0, 100]. Defaults to 10. */
  readonly percentile?: number;
  /** Media time a track must be seen before it gets a baseline, in ms. Defaults to 3000. */
  readonly warmupMs?: number;
  /** A track unseen for longer than this (media ms) loses its estimate. Defaults to 1000. */
  readonly trackTimeoutMs?: number;
}

const DEFAULTS: Required<BaselineOptions> = {
  windowMs: 60_000,
  sampleEveryMs: 200,
  percentile: 10,
  warmupMs: 3000,
  trackTimeoutMs: 1000,
};

interface TrackBaseline {
  readonly firstSeenMs: number;
  lastSampleMs: number;
  readonly times: number[];
  readonly samples: Map<string, number[]>;
}

/** Adds `baseline` and `relative` to faces of tracks past their warm-up; see above. */
export function baseline(options?: BaselineOptions): OperatorFunction<AnalysisRecord, AnalysisRecord> {
  const o = { ...DEFAULTS, ...options };
  for (const name of ['windowMs', 'sampleEveryMs', 'warmupMs', 'trackTimeoutMs'] as const) {
    if (!(o[name] >= 0) || !Number.isFinite(o[name])) {
      throw new OptionError(`baseline: ${name} must be a finite number >= 0 (ms), got ${String(o[name])}.`);
    }
  }
  if (!(o.percentile >= 0 && o.percentile <= 100)) {
    throw new OptionError(`baseline: percentile must be in [0, 100], got ${String(o.percentile)}.`);
  }
  return mapFacesPerTrack<TrackBaseline>(
    o.trackTimeoutMs,
    (t) => ({ firstSeenMs: t, lastSampleMs: -Infinity, times: [], samples: new Map() }),
    (face, track, t) => withBaseline(face, track, t, o),
  );
}

function withBaseline(
  face: FaceResult,
  track: TrackBaseline,
  t: number,
  o: Required<BaselineOptions>,
): FaceResult {
  const values = face.smoothed ?? face.aus;
  if (face.held !== true && t - track.lastSampleMs >= o.sampleEveryMs) sample(track, values, t, o.windowMs);
  if (t - track.firstSeenMs < o.warmupMs || track.times.length === 0) return face;
  const base: Record<string, number> = {};
  const relative: Record<string, number> = {};
  for (const [au, value] of Object.entries(values)) {
    const samples = track.samples.get(au);
    if (!samples || samples.length === 0) continue;
    base[au] = percentile(samples, o.percentile);
    relative[au] = value - (base[au] ?? 0);
  }
  return { ...face, baseline: base, relative };
}

function sample(
  track: TrackBaseline,
  values: Readonly<Record<string, number>>,
  t: number,
  windowMs: number,
): void {
  track.lastSampleMs = t;
  track.times.push(t);
  let drop = 0;
  while (drop < track.times.length - 1 && (track.times[drop] ?? t) <= t - windowMs) drop += 1;
  track.times.splice(0, drop);
  for (const [au, value] of Object.entries(values)) {
    const samples = track.samples.get(au) ?? [];
    samples.push(value);
    // Samples of one AU are aligned with `times` from the end (an AU missing on some frames
    // only shortens its own history).
    if (samples.length > track.times.length) samples.splice(0, samples.length - track.times.length);
    track.samples.set(au, samples);
  }
}

/** Linear-interpolated percentile `p` (0..100) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? 0;
  return a + ((sorted[hi] ?? a) - a) * (rank - lo);
}
