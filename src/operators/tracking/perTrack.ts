/**
 * Per-track state for operators over frame results (`smoothAUs`, `baseline`): one state per
 * (sourceId, trackId), created on first sight and dropped once the track has been unseen for
 * longer than `timeoutMs` of media time, so memory stays bounded however many people pass by.
 */
import { type MonoTypeOperatorFunction, defer, map } from 'rxjs';
import type { AnalysisRecord, FaceResult, FrameResult } from '../../types/result.js';

interface Entry<S> {
  lastSeenMs: number;
  readonly state: S;
}

/**
 * Maps every face of every frame through `update(face, state, ptsMs)`; other records pass
 * through. `create(ptsMs)` makes a new track's state.
 */
export function mapFacesPerTrack<S>(
  timeoutMs: number,
  create: (ptsMs: number) => S,
  update: (face: FaceResult, state: S, ptsMs: number) => FaceResult,
): MonoTypeOperatorFunction<AnalysisRecord> {
  return (source) =>
    defer(() => {
      const sources = new Map<string, Map<number, Entry<S>>>();
      const onFrame = (frame: FrameResult): FrameResult => {
        const t = frame.ptsMs;
        let tracks = sources.get(frame.sourceId);
        if (!tracks) sources.set(frame.sourceId, (tracks = new Map()));
        for (const [id, entry] of tracks) if (t - entry.lastSeenMs > timeoutMs) tracks.delete(id);
        const faces = frame.faces.map((face) => {
          let entry = tracks.get(face.trackId);
          if (!entry) tracks.set(face.trackId, (entry = { lastSeenMs: t, state: create(t) }));
          entry.lastSeenMs = Math.max(entry.lastSeenMs, t);
          return update(face, entry.state, t);
        });
        return { ...frame, faces };
      };
      return source.pipe(map((record) => (record.type === 'frame' ? onFrame(record) : record)));
    });
}
