/** Counts what a CLI run produced, for the progress line and the closing summary. */
import type { AnalysisRecord } from '../types/result.js';

export class Summary {
  frames = 0;
  faces = 0;
  framesWithFaces = 0;
  events = 0;
  private readonly tracks = new Set<string>();
  private readonly started = performance.now();
  private doneMs = 0;
  private lastPositionMs = 0;
  private currentSource: string | undefined;

  /** `durations`: media duration of each source, in ms, to turn pts into overall progress. */
  constructor(private readonly durations: ReadonlyMap<string, number>) {}

  add(record: AnalysisRecord): void {
    if (record.type === 'event') {
      this.events += 1;
      return;
    }
    if (record.type !== 'frame') return;
    if (record.sourceId !== this.currentSource) {
      if (this.currentSource !== undefined) this.doneMs += this.durations.get(this.currentSource) ?? 0;
      this.currentSource = record.sourceId;
    }
    this.frames += 1;
    this.faces += record.faces.length;
    if (record.faces.length > 0) this.framesWithFaces += 1;
    for (const f of record.faces) this.tracks.add(`${record.sourceId}\u0000${f.trackId}`);
  }

  /** Position in the whole run, in media ms; an event keeps the position of the last frame. */
  positionMs(record: AnalysisRecord): number {
    if (record.type === 'frame') this.lastPositionMs = this.doneMs + record.ptsMs;
    return this.lastPositionMs;
  }

  render(outcome: 'done' | 'interrupted' | 'failed'): string {
    const seconds = (performance.now() - this.started) / 1000;
    return (
      `${outcome}: ${this.frames} frames (${this.framesWithFaces} with faces), ${this.faces} faces, ` +
      `${this.tracks.size} tracks, ${this.events} events in ${seconds.toFixed(1)} s ` +
      `(${(this.frames / Math.max(seconds, 1e-9)).toFixed(1)} frames/s)\n`
    );
  }
}
