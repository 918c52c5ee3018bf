/**
 * The ByteTrack-style tracker for one source: Kalman prediction, two-stage IoU association,
 * track life cycle. `trackFaces` keeps one per `sourceId`; this file has no RxJS in it.
 *
 * Life cycle: a track is born `tentative` from an unmatched high-score detection, becomes
 * `confirmed` after `minHits` matched detections (at once on the source's first frame), turns
 * `lost` when a frame has no detection for it, comes back to `confirmed` when matched again,
 * and is removed once lost for more than `maxAgeMs` of media time. A tentative track that
 * misses a single frame is removed (a one-off false positive must not linger).
 */
import type { Face } from '../../types/face.js';
import { boxIou } from '../../detector/boxIou.js';
import { assign } from './assignment.js';
import { BoxKalman } from './kalman.js';

export type TrackState = 'tentative' | 'confirmed' | 'lost';

/** Resolved `trackFaces` options (see `TrackFacesOptions` for meaning and units). */
export interface TrackerConfig {
  readonly highScore: number;
  readonly lowScore: number;
  readonly matchIou: number;
  readonly lowMatchIou: number;
  readonly minHits: number;
  readonly maxAgeMs: number;
}

interface Track {
  readonly id: number;
  readonly kalman: BoxKalman;
  state: TrackState;
  hits: number;
  lastSeenMs: number;
}

/** One source's tracks; `step` once per frame, in presentation order. */
export class SourceTracker {
  private readonly tracks: Track[] = [];
  private nextId = 1;
  private frames = 0;

  constructor(private readonly config: TrackerConfig) {}

  /** Number of live (tentative, confirmed or lost) tracks, for tests and stats. */
  get size(): number {
    return this.tracks.length;
  }

  /** Associates `faces` (one frame at `ptsMs`) to tracks; returns new faces with `trackId`. */
  step(ptsMs: number, faces: readonly Face[]): Face[] {
    const { highScore, lowScore, matchIou, lowMatchIou, minHits, maxAgeMs } = this.config;
    const firstFrame = this.frames === 0;
    this.frames += 1;
    const predicted = this.tracks.map((t) => t.kalman.predict(ptsMs));
    const high = indices(faces, (f) => f.score >= highScore);
    const low = indices(faces, (f) => f.score >= lowScore && f.score < highScore);
    const out: Face[] = [];
    const matched = new Set<Track>();
    const match = (trackIndex: number, faceIndex: number): void => {
      const track = this.tracks[trackIndex];
      const face = faces[faceIndex];
      if (!track || !face) return;
      track.kalman.update(face.box);
      track.hits += 1;
      track.lastSeenMs = ptsMs;
      if (track.state === 'lost' || track.hits >= minHits) track.state = 'confirmed';
      matched.add(track);
      out.push({ ...face, trackId: track.id });
    };

    // Stage 1: confident detections against every track (lost ones included).
    const all = this.tracks.map((_, i) => i);
    const first = associate(all, high, predicted, faces, matchIou);
    first.pairs.forEach(([t, f]) => match(t, f));
    // Stage 2: weak detections only continue tracks that were visible on the previous frame.
    const visible = first.tracks.filter((i) => this.tracks[i]?.state === 'confirmed');
    const second = associate(visible, low, predicted, faces, lowMatchIou);
    second.pairs.forEach(([t, f]) => match(t, f));

    for (let i = this.tracks.length - 1; i >= 0; i -= 1) {
      const track = this.tracks[i];
      if (!track || matched.has(track)) continue;
      if (track.state === 'tentative' || ptsMs - track.lastSeenMs > maxAgeMs) {
        this.tracks.splice(i, 1);
      } else if (track.state === 'confirmed') {
        track.state = 'lost';
        track.kalman.freezeSize();
      }
    }
    for (const f of first.faces) {
      const face = faces[f];
      if (!face) continue;
      const state = firstFrame || minHits <= 1 ? 'confirmed' : 'tentative';
      const track: Track = {
        id: this.nextId,
        kalman: new BoxKalman(face.box, ptsMs),
        state,
        hits: 1,
        lastSeenMs: ptsMs,
      };
      this.nextId += 1;
      this.tracks.push(track);
      out.push({ ...face, trackId: track.id });
    }
    return out.sort((a, b) => (a.trackId ?? 0) - (b.trackId ?? 0));
  }
}

interface Association {
  readonly pairs: readonly (readonly [number, number])[];
  /** Track indices left unmatched. */
  readonly tracks: readonly number[];
  /** Face indices left unmatched. */
  readonly faces: readonly number[];
}

/** Optimal 1 - IoU matching of `tracks` (indices into predicted) to `faceIdx`, gated at minIou. */
function associate(
  tracks: readonly number[],
  faceIdx: readonly number[],
  predicted: readonly Face['box'][],
  faces: readonly Face[],
  minIou: number,
): Association {
  const cost = tracks.map((t) =>
    faceIdx.map((f) => {
      const box = predicted[t];
      const face = faces[f];
      return box && face ? 1 - boxIou(box, face.box) : 1;
    }),
  );
  const result = assign(cost, faceIdx.length, 1 - minIou);
  return {
    pairs: result.pairs.map(([r, c]) => [tracks[r] ?? -1, faceIdx[c] ?? -1] as const),
    tracks: result.unmatchedRows.map((r) => tracks[r] ?? -1),
    faces: result.unmatchedColumns.map((c) => faceIdx[c] ?? -1),
  };
}

function indices<T>(items: readonly T[], keep: (item: T) => boolean): number[] {
  const out: number[] = [];
  items.forEach((item, i) => {
    if (keep(item)) out.push(i);
  });
  return out;
}
