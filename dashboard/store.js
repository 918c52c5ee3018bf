/**
 * The dashboard's state, fed by server messages: the model card, every source with its merged
 * status, and for the selected source the last frame and each track's recent AU values.
 *
 * History is bounded: points older than `WINDOW_MS` of media time (before the newest frame)
 * are dropped, and so are tracks unseen for that long. Time is the media's `ptsMs`, so the
 * browser's clock never matters.
 */

/** Media time shown by the time series, ms. */
export const WINDOW_MS = 30000;

/**
 * @typedef {{ sourceId: string, kind?: string, status: Record<string, unknown> }} SourceEntry
 * @typedef {{ ptsMs: number, values: Record<string, number> }} Point
 * @typedef {{ trackId: number, lastPtsMs: number, points: Point[] }} Track
 * @typedef {{ trackId: number, box: { x: number, y: number, width: number, height: number },
 *             keypoints?: { x: number, y: number }[],
 *             aus: Record<string, number>, smoothed?: Record<string, number>,
 *             active?: Record<string, boolean>, held?: boolean,
 *             landmarks?: { scheme: string, presence: number, points: number[][] },
 *             pose?: { pitchDeg: number, yawDeg: number, rollDeg: number } }} Face
 * @typedef {{ sourceId: string, index: number, ptsMs: number, width: number, height: number,
 *             status: string, faces: Face[] }} FrameRecord
 * @typedef {{ sourceId: string, ptsMs: number, width: number, height: number, mime: string,
 *             data: string }} PreviewRecord  JSON encoding: `data` is the image in base64
 * @typedef {{ model: { name: string, version: string, auNames: string[], untrained?: boolean } | null,
 *             sources: Map<string, SourceEntry>, selected: string | null,
 *             frame: FrameRecord | null, tracks: Map<number, Track>,
 *             preview: PreviewRecord | null }} Store
 */

/** @returns {Store} */
export function createStore() {
  return { model: null, sources: new Map(), selected: null, frame: null, tracks: new Map(), preview: null };
}

/** The values a face's bars and series show: smoothed when the pipeline smooths, raw otherwise. */
export function faceValues(face) {
  return face.smoothed ?? face.aus;
}

/**
 * Applies one server message; returns what needs redrawing.
 * @param {Store} store
 * @param {{ type: string, [key: string]: any }} message
 * @returns {{ sources?: boolean, frame?: boolean, model?: boolean, preview?: boolean }}
 */
export function applyMessage(store, message) {
  switch (message.type) {
    case 'hello': {
      store.model = message.model ?? null;
      setSources(store, message.sources ?? []);
      for (const status of message.statuses ?? []) mergeStatus(store, status);
      return { model: true, sources: true };
    }
    case 'sources':
      setSources(store, message.sources ?? []);
      return { sources: true };
    case 'status': {
      const status = { ...message };
      delete status.type;
      mergeStatus(store, status);
      return { sources: true };
    }
    case 'frame':
      if (message.sourceId !== store.selected) return {};
      addFrame(store, /** @type {FrameRecord} */ (message));
      return { frame: true };
    case 'preview':
      if (message.sourceId !== store.selected || typeof message.data !== 'string') return {};
      store.preview = /** @type {PreviewRecord} */ (message);
      return { preview: true };
    default:
      return {};
  }
}

/** Selects a source and forgets the previous one's frame and history. */
export function select(store, sourceId) {
  store.selected = sourceId;
  store.frame = null;
  store.preview = null;
  store.tracks.clear();
}

function setSources(store, list) {
  const next = new Map();
  for (const info of list) {
    const old = store.sources.get(info.sourceId);
    next.set(info.sourceId, { sourceId: info.sourceId, kind: info.kind, status: old?.status ?? {} });
  }
  // Sources that only reported a status (no setSources yet) stay listed.
  for (const [id, entry] of store.sources) if (!next.has(id) && entry.kind === undefined) next.set(id, entry);
  store.sources = next;
}

function mergeStatus(store, status) {
  const entry = store.sources.get(status.sourceId) ?? { sourceId: status.sourceId, status: {} };
  entry.status = { ...entry.status, ...status };
  store.sources.set(status.sourceId, entry);
}

function addFrame(store, frame) {
  // A restarted source (media time went back): start the history again.
  if (store.frame && frame.ptsMs < store.frame.ptsMs) store.tracks.clear();
  store.frame = frame;
  for (const face of frame.faces) {
    let track = store.tracks.get(face.trackId);
    if (!track) {
      track = { trackId: face.trackId, lastPtsMs: frame.ptsMs, points: [] };
      store.tracks.set(face.trackId, track);
    }
    track.lastPtsMs = frame.ptsMs;
    track.points.push({ ptsMs: frame.ptsMs, values: { ...faceValues(face) } });
  }
  const oldest = frame.ptsMs - WINDOW_MS;
  for (const [id, track] of store.tracks) {
    if (track.lastPtsMs < oldest) {
      store.tracks.delete(id);
      continue;
    }
    let drop = 0;
    while (drop < track.points.length && track.points[drop].ptsMs < oldest) drop += 1;
    if (drop > 0) track.points.splice(0, drop);
  }
}
