/**
 * Turns per-frame `active` flags into AU episodes: one `AUEvent` per (track, AU) run of active
 * frames, emitted when the run closes.
 *
 * An episode starts at the first frame where `active[au]` is true and ends at the last one
 * (`startMs`, `endMs`: the frames' `ptsMs`); `peakMs` and `peakProbability` are the frame and
 * value of its highest smoothed probability (raw when the face has no `smoothed`). It closes
 * when the flag goes false, when its track has not been seen for more than `trackTimeoutMs` of
 * media time, or when the stream ends (completion, or an error, which is re-thrown after the
 * open episodes are emitted). Frames pass through; events come just before the frame that
 * closed them, so records stay in media-time order.
 *
 * ```
 * active.AU12  --0--1--1--1--0--1--|
 * output       --f--f--f--f--Ef-f--E|   E: {startMs, endMs} of each run
 * ```
 * Timing is that of the flags: with `smoothAUs` upstream, `startMs` lags the true onset by the
 * smoother's lag plus its `minDurationMs` (docs/tracking.md). Faces without `active` flags
 * (no `smoothAUs` upstream) count an AU active when its raw probability is >= `threshold`.
 *
 * Example
 * ```ts
 * import { smoothAUs, detectEvents, toEventsCsv } from 'auformer-stream';
 * results$.pipe(smoothAUs(), detectEvents(), toEventsCsv('events.csv')).subscribe();
 * ```
 * @see toEventsCsv, toJsonLines for writing the events.
 */
import { catchError, concat, concatMap, defer, throwError, type OperatorFunction } from 'rxjs';
import { OptionError } from '../errors.js';
import type { AnalysisRecord, AUEvent, FaceResult, FrameResult } from '../types/result.js';

export interface DetectEventsOptions {
  /** A track unseen for longer than this (media ms) has its episodes closed. Defaults to 1000. */
  readonly trackTimeoutMs?: number;
  /** Activation threshold for faces that carry no `active` flags. Defaults to 0.5. */
  readonly threshold?: number;
}

const DEFAULTS: Required<DetectEventsOptions> = { trackTimeoutMs: 1000, threshold: 0.5 };

interface Episode {
  readonly startMs: number;
  lastActiveMs: number;
  peakMs: number;
  peak: number;
}

interface TrackEpisodes {
  lastSeenMs: number;
  readonly open: Map<string, Episode>;
}

/** Emits an `AUEvent` for each closed episode; see the module comment. */
export function detectEvents(
  options?: DetectEventsOptions,
): OperatorFunction<AnalysisRecord, AnalysisRecord> {
  const { trackTimeoutMs, threshold } = { ...DEFAULTS, ...options };
  if (!(trackTimeoutMs >= 0) || !Number.isFinite(trackTimeoutMs)) {
    throw new OptionError(
      `detectEvents: trackTimeoutMs must be a finite number >= 0 (ms), got ${trackTimeoutMs}.`,
    );
  }
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new OptionError(`detectEvents: threshold must be a probability in [0, 1], got ${threshold}.`);
  }
  return (source) =>
    defer(() => {
      const sources = new Map<string, Map<number, TrackEpisodes>>();
      const flushAll = (): AUEvent[] => {
        const events: AUEvent[] = [];
        for (const [sourceId, tracks] of sources) {
          for (const [trackId, track] of tracks) events.push(...closeAll(sourceId, trackId, track));
        }
        sources.clear();
        return events;
      };
      const step = (record: AnalysisRecord): AnalysisRecord[] => {
        if (record.type !== 'frame') return [record];
        let tracks = sources.get(record.sourceId);
        if (!tracks) {
          tracks = new Map();
          sources.set(record.sourceId, tracks);
        }
        return [...frameEvents(record, tracks, trackTimeoutMs, threshold), record];
      };
      return concat(
        source.pipe(
          concatMap(step),
          catchError((error: unknown) =>
            concat(
              defer(flushAll),
              throwError(() => error),
            ),
          ),
        ),
        defer(flushAll),
      );
    });
}

function frameEvents(
  frame: FrameResult,
  tracks: Map<number, TrackEpisodes>,
  trackTimeoutMs: number,
  threshold: number,
): AUEvent[] {
  const t = frame.ptsMs;
  const events: AUEvent[] = [];
  const present = new Set(frame.faces.map((f) => f.trackId));
  for (const [trackId, track] of tracks) {
    if (t - track.lastSeenMs <= trackTimeoutMs) continue;
    events.push(...closeAll(frame.sourceId, trackId, track));
    if (!present.has(trackId)) tracks.delete(trackId);
  }
  for (const face of frame.faces) {
    let track = tracks.get(face.trackId);
    if (!track) {
      track = { lastSeenMs: t, open: new Map() };
      tracks.set(face.trackId, track);
    }
    track.lastSeenMs = Math.max(track.lastSeenMs, t);
    for (const [au, active] of activeFlags(face, threshold)) {
      const episode = track.open.get(au);
      const value = face.smoothed?.[au] ?? face.aus[au] ?? 0;
      if (active && !episode) {
        track.open.set(au, { startMs: t, lastActiveMs: t, peakMs: t, peak: value });
      } else if (active && episode) {
        episode.lastActiveMs = t;
        if (value > episode.peak) Object.assign(episode, { peak: value, peakMs: t });
      } else if (!active && episode) {
        track.open.delete(au);
        events.push(toEvent(frame.sourceId, face.trackId, au, episode));
      }
    }
  }
  return events;
}

function activeFlags(face: FaceResult, threshold: number): [string, boolean][] {
  if (face.active) return Object.entries(face.active);
  return Object.entries(face.aus).map(([au, p]) => [au, p >= threshold]);
}

function closeAll(sourceId: string, trackId: number, track: TrackEpisodes): AUEvent[] {
  const events = [...track.open].map(([au, episode]) => toEvent(sourceId, trackId, au, episode));
  track.open.clear();
  return events;
}

function toEvent(sourceId: string, trackId: number, au: string, e: Episode): AUEvent {
  return {
    type: 'event',
    sourceId,
    trackId,
    au,
    startMs: e.startMs,
    endMs: e.lastActiveMs,
    peakMs: e.peakMs,
    peakProbability: e.peak,
  };
}
