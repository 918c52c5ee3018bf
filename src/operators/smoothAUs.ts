/**
 * Smooths each track's AU probabilities over media time and adds a stable `active` flag.
 *
 * Frame-level AU probabilities jitter; per (source, track, AU) this operator runs one smoother
 * (`none`, `ema`, `one-euro` or `median`, parameters in ms or Hz of media time, so dropped
 * frames and variable frame rates are fine) and one hysteresis (on/off thresholds plus
 * `minDurationMs`). Each face gets `smoothed` (raw `aus` are kept) and `active`; with method
 * `none` there is no `smoothed` and `active` is computed on the raw values. Events pass
 * through untouched.
 *
 * ```
 * aus.AU12       .1  .9  .2  .9  .9  .9   (one bad frame at .2)
 * smoothed.AU12  .1  .4  .3  .5  .7  .8   (ema, roughly)
 * active.AU12     0   0   0   1   1   1
 * ```
 * Faces marked `held` (AUs carried over by rate limiting) do not feed the smoothers: they get
 * the track's current smoothed values and flags. A track unseen for more than
 * `trackTimeoutMs` loses its state and starts afresh (as a new person would).
 *
 * Example
 * ```ts
 * import { smoothAUs, describeSmoothing } from 'auformer-stream';
 * const settings = { method: 'one-euro', card: model.card } as const;
 * results$.pipe(smoothAUs(settings)); // header: { options: { smoothing: describeSmoothing(settings) } }
 * ```
 * @see docs/tracking.md for each method's lag and a table of what they do to a noisy step.
 */
import type { OperatorFunction } from 'rxjs';
import type { AUValues, AnalysisRecord, FaceResult } from '../types/result.js';
import { createEma } from './smoothing/ema.js';
import { createHysteresis, type Hysteresis } from './smoothing/hysteresis.js';
import { createMedian } from './smoothing/median.js';
import { createOneEuro } from './smoothing/oneEuro.js';
import { createIdentity, type Smoother } from './smoothing/smoother.js';
import { mapFacesPerTrack } from './tracking/perTrack.js';
import {
  resolveSmoothing,
  type ResolvedSmoothing,
  type SmoothAUsOptions,
} from './smoothing/smoothingOptions.js';

export { describeSmoothing } from './smoothing/smoothingOptions.js';
export type { AUThreshold, SmoothAUsOptions, SmoothingMethod } from './smoothing/smoothingOptions.js';

interface AUState {
  readonly smoother: Smoother;
  readonly hysteresis: Hysteresis;
  value: number;
}

type TrackState = Map<string, AUState>;

/** Adds `smoothed` and `active` to every face; see the module comment. */
export function smoothAUs(options?: SmoothAUsOptions): OperatorFunction<AnalysisRecord, AnalysisRecord> {
  const settings = resolveSmoothing(options);
  return mapFacesPerTrack<TrackState>(
    settings.trackTimeoutMs,
    () => new Map(),
    (face, track, t) => smoothFace(face, track, t, settings),
  );
}

function smoothFace(face: FaceResult, track: TrackState, t: number, s: ResolvedSmoothing): FaceResult {
  const smoothed: Record<string, number> = {};
  const active: Record<string, boolean> = {};
  for (const [au, raw] of Object.entries(face.aus)) {
    let state = track.get(au);
    if (face.held === true && state) {
      smoothed[au] = state.value;
      active[au] = state.hysteresis.active;
      continue;
    }
    if (!state) {
      const { on, off } = s.thresholdFor(au);
      state = {
        smoother: createSmoother(s),
        hysteresis: createHysteresis(on, off, s.minDurationMs),
        value: raw,
      };
      track.set(au, state);
    }
    state.value = state.smoother.update(raw, t);
    smoothed[au] = state.value;
    active[au] = state.hysteresis.update(state.value, t);
  }
  const values: AUValues = smoothed;
  return s.method === 'none' ? { ...face, active } : { ...face, smoothed: values, active };
}

function createSmoother(s: ResolvedSmoothing): Smoother {
  switch (s.method) {
    case 'ema':
      return createEma(s.tauMs);
    case 'one-euro':
      return createOneEuro(s);
    case 'median':
      return createMedian(s.windowMs);
    case 'none':
      return createIdentity();
  }
}
