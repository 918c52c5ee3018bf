/**
 * Joins track ids across segments. Each part (and each resume after a crash) runs its own
 * tracker, which numbers people from 1 again; the pre-roll frames it decoded were also output
 * by the segment before, so matching faces in those shared frames (by box overlap) maps the new
 * segment's ids onto the ids already written.
 *
 * ```
 * segment 1 output   f(id 1, id 2) ... f(id 1, id 2)
 * segment 2 pre-roll                 p(id 2, id 1)      -> local 2 = 1, local 1 = 2
 * segment 2 output                                   f(id 1, id 2) ...
 * ```
 *
 * A person first seen after a boundary gets the next unused id, in order of first appearance.
 */
import { boxIou, type AUEvent, type BlinkEvent, type FrameResult } from '../index.js';

const MIN_IOU = 0.5;
/** Frames decoded by two segments have equal `ptsMs` up to float rounding. */
const SAME_FRAME_MS = 0.5;

export class TrackJoiner {
  private readonly window: FrameResult[] = [];
  private preRoll: FrameResult[] = [];
  private map = new Map<number, number>();
  private nextId = 1;
  private segments = 0;
  private matched = true;

  /** `windowMs`: how far back output frames are kept for matching (the pre-roll). */
  constructor(
    private readonly windowMs: number,
    private readonly enabled: boolean,
  ) {}

  startSegment(): void {
    this.segments += 1;
    this.preRoll = [];
    this.map = new Map();
    this.matched = false;
  }

  addPreRoll(frame: FrameResult): void {
    this.preRoll.push(frame);
  }

  /** The frame with global track ids; remembers it for the next segment's matching. */
  mapFrame(frame: FrameResult): FrameResult {
    if (!this.matched) this.matchPreRoll();
    const faces = frame.faces.map((f) => ({ ...f, trackId: this.globalId(f.trackId) }));
    // trackFaces emits faces by trackId; renumbered ids keep that order.
    if (this.enabled) faces.sort((a, b) => a.trackId - b.trackId);
    const mapped = { ...frame, faces };
    this.window.push(mapped);
    while (this.window.length > 0 && this.window[0]!.ptsMs < frame.ptsMs - this.windowMs) this.window.shift();
    return mapped;
  }

  /** An AU event or a blink with its global track id. */
  mapEvent<E extends AUEvent | BlinkEvent>(event: E): E {
    if (!this.matched) this.matchPreRoll();
    return { ...event, trackId: this.globalId(event.trackId) };
  }

  private globalId(local: number): number {
    if (!this.enabled) return local;
    let id = this.map.get(local);
    if (id === undefined) {
      id = this.segments <= 1 ? local : this.nextId;
      this.map.set(local, id);
    }
    this.nextId = Math.max(this.nextId, id + 1);
    return id;
  }

  /** Votes local -> global over the shared frames, then assigns one to one, most votes first. */
  private matchPreRoll(): void {
    this.matched = true;
    if (!this.enabled) return;
    const votes = new Map<string, number>();
    for (const p of this.preRoll) {
      const w = this.window.find((o) => Math.abs(o.ptsMs - p.ptsMs) < SAME_FRAME_MS);
      if (!w) continue;
      for (const face of p.faces) {
        let best: { id: number; iou: number } | undefined;
        for (const other of w.faces) {
          const iou = boxIou(face.box, other.box);
          if (iou >= MIN_IOU && iou > (best?.iou ?? 0)) best = { id: other.trackId, iou };
        }
        if (best) {
          const key = `${face.trackId}>${best.id}`;
          votes.set(key, (votes.get(key) ?? 0) + 1);
        }
      }
    }
    const taken = new Set<number>();
    for (const [key] of [...votes].sort((a, b) => b[1] - a[1])) {
      const [local, global] = key.split('>').map(Number) as [number, number];
      if (this.map.has(local) || taken.has(global)) continue;
      this.map.set(local, global);
      taken.add(global);
    }
    this.preRoll = [];
  }
}
