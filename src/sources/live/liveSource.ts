/**
 * Wraps the reconnect loop into what `fromRtsp` and `fromWebcam` return: shared frames plus a
 * status stream.
 *
 * Frames are multicast: however many subscribers, one ffmpeg runs; it starts with the first
 * subscriber and is killed when the last one leaves (status `ended`) or on a terminal error
 * (status `failed`). Subscribing again after that starts a new run (state `connecting`, counts
 * carry on from zero). Status replays the latest report to new subscribers and never completes:
 * take it while `state` is not `ended` or `failed`.
 */
import { type Observable, ReplaySubject, share } from 'rxjs';
import type { Frame } from '../../types/frame.js';
import type { SourceStatus } from '../../types/sourceStatus.js';
import { type LiveFramesConfig, liveFrames } from './liveFrames.js';

/** A live source: frames (latest-wins) and its status reports. */
export interface LiveSource {
  /** `Frame.sourceId` of every frame and status (credentials removed). */
  readonly sourceId: string;
  /** Shared frames; errors with a `StreamError` when the source fails. */
  readonly frames: Observable<Frame>;
  /** `connecting -> live -> stalled -> reconnecting -> live ... -> ended | failed`; replays the latest. */
  readonly status: Observable<SourceStatus>;
}

/** True for the states after which a run emits nothing more. */
export function isTerminal(status: SourceStatus): boolean {
  return status.state === 'ended' || status.state === 'failed';
}

export function createLiveSource(config: Omit<LiveFramesConfig, 'onStatus'>): LiveSource {
  const status = new ReplaySubject<SourceStatus>(1);
  const frames = liveFrames({ ...config, onStatus: (s) => status.next(s) }).pipe(share());
  return { sourceId: config.sourceId, frames, status: status.asObservable() };
}
