/** Where a live source (RTSP camera, webcam) stands. */
export type SourceState = 'connecting' | 'live' | 'stalled' | 'reconnecting' | 'ended' | 'failed';

/**
 * One status report of a live source: sent on every state change and, while frames flow, at
 * most once per status interval with fresh counts. Plain data; counts never go down.
 */
export interface SourceStatus {
  /** `Frame.sourceId` of the source (credentials removed). */
  readonly sourceId: string;
  readonly state: SourceState;
  /** ffmpeg restarts after a lost, stalled or failed connection. */
  readonly reconnects: number;
  /** Frames decoded but never emitted: replaced by a newer frame while downstream was busy, or out of order. */
  readonly droppedFrames: number;
  /** Frames decoded since the source started, emitted or dropped. */
  readonly framesIn: number;
  /** Wall clock (ms since the Unix epoch) of the last decoded frame; undefined before the first. */
  readonly lastFrameAtMs?: number;
  /** Why the source is not live (last failure), credentials removed; `code` is an `AUF_ERR_*`. */
  readonly error?: { readonly code: string; readonly message: string };
}
