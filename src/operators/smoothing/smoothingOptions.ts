/**
 * `smoothAUs` options: defaults, validation, per-AU thresholds and the description that goes
 * into the JSONL header. Kept apart from the operator so the CLI can validate and describe
 * settings without building a pipeline.
 */
import { OptionError } from '../../errors.js';
import type { ModelCard } from '../../types/model.js';

export type SmoothingMethod = 'none' | 'ema' | 'one-euro' | 'median';
export const SMOOTHING_METHODS: readonly SmoothingMethod[] = ['none', 'ema', 'one-euro', 'median'];

/** Activation thresholds of one AU (probabilities); `off` defaults to `on - 0.1`, at least 0. */
export interface AUThreshold {
  readonly on: number;
  readonly off?: number;
}

export interface SmoothAUsOptions {
  /** `none`, `ema`, `one-euro` or `median`. Defaults to `ema`. */
  readonly method?: SmoothingMethod;
  /** EMA time constant, in ms of media time. Defaults to 150. */
  readonly tauMs?: number;
  /** One Euro cutoff at rest, in Hz. Defaults to 1. */
  readonly minCutoffHz?: number;
  /** One Euro speed coefficient, in Hz per (probability / s). Defaults to 1. */
  readonly beta?: number;
  /** One Euro cutoff of the derivative filter, in Hz. Defaults to 1. */
  readonly dCutoffHz?: number;
  /** Median window, in ms of media time. Defaults to 200. */
  readonly windowMs?: number;
  /** A track unseen for longer than this (media ms) loses its state. Defaults to 1000. */
  readonly trackTimeoutMs?: number;
  /**
   * Per-AU activation thresholds (`{ AU12: 0.6 }` or `{ AU12: { on: 0.6, off: 0.45 } }`);
   * they win over `card`. AUs in neither get on 0.5, off 0.4. Defaults to `{}`.
   */
  readonly thresholds?: Readonly<Record<string, number | AUThreshold>>;
  /** The model card whose `thresholds` give each AU's `on` threshold. Defaults to none. */
  readonly card?: Pick<ModelCard, 'auNames' | 'thresholds'>;
  /** How long a crossing must persist before `active` changes, in media ms. Defaults to 100. */
  readonly minDurationMs?: number;
}

export type ResolvedSmoothing = Required<Omit<SmoothAUsOptions, 'card'>> & {
  /** Resolved thresholds for the AUs named in `card` or `thresholds`. */
  readonly thresholdFor: (au: string) => { readonly on: number; readonly off: number };
};

const DEFAULTS = {
  method: 'ema',
  tauMs: 150,
  minCutoffHz: 1,
  beta: 1,
  dCutoffHz: 1,
  windowMs: 200,
  trackTimeoutMs: 1000,
  thresholds: {},
  minDurationMs: 100,
} as const satisfies Required<Omit<SmoothAUsOptions, 'card'>>;

const DEFAULT_ON = 0.5;
const OFF_GAP = 0.1;

/** Resolves and checks options; throws `OptionError` naming the option at fault. */
export function resolveSmoothing(options?: SmoothAUsOptions): ResolvedSmoothing {
  const o: Required<Omit<SmoothAUsOptions, 'card'>> = { ...DEFAULTS, ...options };
  if (!SMOOTHING_METHODS.includes(o.method)) {
    throw new OptionError(
      `smoothAUs: method must be one of ${SMOOTHING_METHODS.join(', ')}; got ${String(o.method)}.`,
    );
  }
  for (const name of ['tauMs', 'minCutoffHz', 'dCutoffHz', 'windowMs'] as const) positive(name, o[name]);
  for (const name of ['beta', 'trackTimeoutMs', 'minDurationMs'] as const) nonNegative(name, o[name]);
  const fromCard = new Map<string, number>();
  options?.card?.auNames.forEach((au, i) => fromCard.set(au, options.card?.thresholds[i] ?? DEFAULT_ON));
  const resolved = new Map<string, { on: number; off: number }>();
  const thresholdFor = (au: string): { on: number; off: number } => {
    const known = resolved.get(au);
    if (known) return known;
    const given = o.thresholds[au];
    const on = typeof given === 'number' ? given : (given?.on ?? fromCard.get(au) ?? DEFAULT_ON);
    const off = typeof given === 'object' && given.off !== undefined ? given.off : Math.max(0, on - OFF_GAP);
    if (!(on >= 0 && on <= 1 && off >= 0 && off <= on)) {
      throw new OptionError(
        `smoothAUs: thresholds.${au} needs 0 <= off <= on <= 1; got on ${on}, off ${off}.`,
      );
    }
    const threshold = { on, off };
    resolved.set(au, threshold);
    return threshold;
  };
  // Check every AU that is named now, so a bad threshold fails before the pipeline starts.
  [...Object.keys(o.thresholds), ...fromCard.keys()].forEach(thresholdFor);
  return { ...o, thresholdFor };
}

/** Nominal lag of the smoother alone, in ms (see each method's doc). */
export function nominalLagMs(
  s: Pick<ResolvedSmoothing, 'method' | 'tauMs' | 'minCutoffHz' | 'windowMs'>,
): number {
  if (s.method === 'ema') return s.tauMs;
  if (s.method === 'one-euro') return 1000 / (2 * Math.PI * s.minCutoffHz);
  if (s.method === 'median') return s.windowMs / 2;
  return 0;
}

/**
 * Method, parameters and activation settings as plain data, for the JSONL header
 * (`options: { smoothing: describeSmoothing(opts) }`). Throws `OptionError` like `smoothAUs`.
 */
export function describeSmoothing(options?: SmoothAUsOptions): Readonly<Record<string, unknown>> {
  const s = resolveSmoothing(options);
  const parameters =
    s.method === 'ema'
      ? { tauMs: s.tauMs }
      : s.method === 'one-euro'
        ? { minCutoffHz: s.minCutoffHz, beta: s.beta, dCutoffHz: s.dCutoffHz }
        : s.method === 'median'
          ? { windowMs: s.windowMs }
          : {};
  const named = [...new Set([...Object.keys(s.thresholds), ...(options?.card?.auNames ?? [])])];
  return {
    method: s.method,
    ...parameters,
    lagMs: Math.round(nominalLagMs(s) * 10) / 10,
    trackTimeoutMs: s.trackTimeoutMs,
    minDurationMs: s.minDurationMs,
    thresholds: Object.fromEntries(named.map((au) => [au, s.thresholdFor(au)])),
    defaultThreshold: { on: DEFAULT_ON, off: DEFAULT_ON - OFF_GAP },
  };
}

function positive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new OptionError(`smoothAUs: ${name} must be a finite number > 0; got ${String(value)}.`);
  }
}

function nonNegative(name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new OptionError(`smoothAUs: ${name} must be a finite number >= 0; got ${String(value)}.`);
  }
}
