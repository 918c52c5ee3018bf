/**
 * Turns per-frame `active` flags into AU episodes: one `AUEvent` per (track, AU) run of active
 * frames, emitted when the run closes.
 *
 * An episode covers its active frames whole: it starts at the first active frame's `ptsMs` and
 * ends at the end of the last one, i.e. at the `ptsMs` of the source's next frame (at the end of
 * a stream, where there is no next frame, the last active frame lasts as long as the frame step
 * before it). So a one-frame episode at 30 fps lasts 33.333 ms, never 0. `startIndex` and
 * `endIndex` are the first and last active frames' `index` (the CSV's `frame` column is index + 1);
 * `peakMs` and `peakProbability` are the frame and value of its highest smoothed probability (raw
 * when the face has no `smoothed`). Episodes shorter than `minDurationMs` are dropped. An episode
 * closes when the flag goes false, when its track has not been seen for more than
 * `trackTimeoutMs` of media time, or when the stream ends (completion, or an error, which is
 * re-thrown after the open episodes are emitted). Frames pass through; events come just before
 * the frame that closed them, so records stay in media-time order.
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
  /**
   * Episodes shorter than this (media ms, start to end of the last active frame) are dropped:
   * single-frame flickers of raw probabilities are not episodes. Defaults to 100; 0 keeps all.
   */
  readonly minDurationMs?: number;
}

const DEFAULTS: Required<DetectEventsOptions> = { trackTimeoutMs: 1000, threshold: 0.5, minDurationMs: 100 };

interface Episode {
  readonly startMs: number;
  readonly startIndex: number;
  lastActiveMs: number;
  lastActiveIndex: number;
  /** End of the last active frame: the next frame's pts once seen, else an estimate. */
  endMs: number;
  peakMs: number;
  peak: number;
}

interface TrackEpisodes {
  lastSeenMs: number;
  readonly open: Map<string, Episode>;
}

/** One source's tracks, and its frame clock (to end episodes at the end of their last frame). */
interface SourceEpisodes {
  readonly tracks: Map<number, TrackEpisodes>;
  lastIndex: number;
  lastPtsMs: number;
  stepMs: number;
}

/** Emits an `AUEvent` for each closed episode; see the module comment. */
export function detectEvents(
  options?: DetectEventsOptions,
): OperatorFunction<AnalysisRecord, AnalysisRecord> {
  const { trackTimeoutMs, threshold, minDurationMs } = { ...DEFAULTS, ...options };
  for (const [name, value] of Object.entries({ trackTimeoutMs, minDurationMs })) {
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new OptionError(`detectEvents: ${name} must be a finite number >= 0 (ms), got ${value}.`);
    }
  }
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new OptionError(`detectEvents: threshold must be a probability in [0, 1], got ${threshold}.`);
  }
  return (source) =>
    defer(() => {
      const sources = new Map<string, SourceEpisodes>();
      const keep = (e: AUEvent): boolean => e.endMs - e.startMs >= minDurationMs;
      const flushAll = (): AUEvent[] => {
        const events: AUEvent[] = [];
        for (const [sourceId, { tracks }] of sources) {
          for (const [trackId, track] of tracks) events.push(...closeAll(sourceId, trackId, track));
        }
        sources.clear();
        return events.filter(keep);
      };
      const step = (record: AnalysisRecord): AnalysisRecord[] => {
        if (record.type !== 'frame') return [record];
        let source = sources.get(record.sourceId);
        if (!source) {
          source = { tracks: new Map(), lastIndex: -1, lastPtsMs: record.ptsMs, stepMs: 0 };
          sources.set(record.sourceId, source);
        }
        return [...frameEvents(record, source, trackTimeoutMs, threshold).filter(keep), record];
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
  source: SourceEpisodes,
  trackTimeoutMs: number,
  threshold: number,
): AUEvent[] {
  const t = frame.ptsMs;
  const { tracks } = source;
  advanceClock(source, frame);
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
      const i = frame.index;
      const endMs = t + source.stepMs;
      if (active && !episode) {
        track.open.set(au, {
          ...{ startMs: t, startIndex: i, lastActiveMs: t, lastActiveIndex: i },
          ...{ endMs, peakMs: t, peak: value },
        });
      } else if (active && episode) {
        Object.assign(episode, { lastActiveMs: t, lastActiveIndex: i, endMs });
        if (value > episode.peak) Object.assign(episode, { peak: value, peakMs: t });
      } else if (!active && episode) {
        track.open.delete(au);
        events.push(toEvent(frame.sourceId, face.trackId, au, episode));
      }
    }
  }
  return events;
}

/**
 * Moves the source's frame clock to `frame`: episodes active in the previous frame end where this
 * one starts; the step (last pts gap) estimates how long a final frame lasts.
 */
function advanceClock(source: SourceEpisodes, frame: FrameResult): void {
  if (source.lastIndex >= 0 && frame.ptsMs > source.lastPtsMs) {
    source.stepMs = frame.ptsMs - source.lastPtsMs;
    for (const track of source.tracks.values()) {
      for (const episode of track.open.values()) {
        if (episode.lastActiveIndex === source.lastIndex) episode.endMs = frame.ptsMs;
      }
    }
  }
  source.lastIndex = frame.index;
  source.lastPtsMs = frame.ptsMs;
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
    endMs: e.endMs,
    startIndex: e.startIndex,
    endIndex: e.lastActiveIndex,
    peakMs: e.peakMs,
    peakProbability: e.peak,
  };
}
