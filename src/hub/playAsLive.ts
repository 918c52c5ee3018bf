/**
 * Plays a file source as if it were a camera: frames come out in real time at their `ptsMs`,
 * optionally looping forever, and a pipeline that falls behind loses frames (latest wins)
 * instead of slowing the "camera" down. For demos, benchmarks and tests of live pipelines.
 *
 * The file source stays back-pressured (each frame is retained until its due time, so ffmpeg
 * decodes at most `highWaterMark` frames ahead); downstream, at most `maxInFlight` frames are
 * retained (see operators/frameLease.ts) and one more waits in a slot, replaced by newer
 * frames. Memory is bounded whatever the pipeline does. Every frame gets a new `index` (gaps
 * mark dropped frames), `ptsMs` that keeps growing across loops, and `capturedAtMs` = the wall
 * time it left the player. When ffmpeg cannot decode in real time, playback slows down (fewer
 * frames per second) rather than falling ever further behind.
 *
 * ```
 * file (pts)   f0(0)  f1(33)  f2(67)  f3(100)  |  f0 ...        (loop: pts continue at 133)
 * wall (ms)    0      33      67      100         133
 * busy         [---- f0 ----------]
 * output       f0 ................... f2 ---- f3 -- f4 ...       (f1 replaced by f2: dropped)
 * ```
 *
 * @example
 * const cam = playAsLive(fromFile('assets/sample/faces.mp4', { sourceId: 'cam-1' }), { loop: true });
 * hub.add('cam-1', cam); // cam.status: live (-> ended without loop, failed on a decode error)
 */
import { Observable, Subject } from 'rxjs';
import { OptionError } from '../errors.js';
import { retainFrame } from '../operators/frameLease.js';
import { LatestWins } from '../sources/live/latestWins.js';
import type { Frame } from '../types/frame.js';
import type { SourceState, SourceStatus } from '../types/sourceStatus.js';

export interface PlayAsLiveOptions {
  /** Start again from the first frame when the file ends. Defaults to false. */
  readonly loop?: boolean;
  /** Frames retained downstream at once before newer ones wait in the slot. Defaults to 1. */
  readonly maxInFlight?: number;
  /** Playback speed, 1 = real time. Defaults to 1. */
  readonly speed?: number;
}

const DEFAULTS = { loop: false, maxInFlight: 1, speed: 1 } as const;

/** A frame this late (ms of wall time) restarts the playback clock. */
const LATE_RESYNC_MS = 250;

/** A live-like source: cold `frames`, and `status` reports from its subscription. */
export interface LiveFrames {
  readonly frames: Observable<Frame>;
  readonly status: Observable<SourceStatus>;
}

export function playAsLive(file: Observable<Frame>, options: PlayAsLiveOptions = {}): LiveFrames {
  const { loop, maxInFlight, speed } = { ...DEFAULTS, ...options };
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new OptionError(
      `playAsLive: "maxInFlight" must be an integer >= 1 (frames), got ${String(maxInFlight)}.`,
    );
  }
  if (!(Number.isFinite(speed) && speed > 0)) {
    throw new OptionError(
      `playAsLive: "speed" must be a positive number (1 = real time), got ${String(speed)}.`,
    );
  }
  const status = new Subject<SourceStatus>();
  const frames = new Observable<Frame>((subscriber) => {
    const queue: { frame: Frame; livePtsMs: number; release: () => void }[] = [];
    let offsetMs = 0; // added to ptsMs on every loop
    let lastLivePtsMs = -Infinity;
    let gapMs = 33;
    let anchor: { wallMs: number; ptsMs: number } | undefined;
    let index = 0;
    let fileDone = false;
    let lateDropped = 0;
    let framesIn = 0;
    let state: SourceState = 'connecting';
    let timer: NodeJS.Timeout | undefined;
    let pass: { unsubscribe(): void } | undefined;
    let sourceId = '';
    const slot = new LatestWins(maxInFlight, (frame) => {
      if (state !== 'live') report('live');
      subscriber.next(frame);
    });

    const report = (next: SourceState, error?: { code: string; message: string }): void => {
      state = next;
      const droppedFrames = lateDropped + slot.dropped;
      status.next({ sourceId, state, reconnects: 0, droppedFrames, framesIn, ...(error ? { error } : {}) });
    };
    const complete = (): void => {
      // A frame still waiting in the slot is never shown: the "camera" has stopped.
      lateDropped += slot.pendingCount;
      slot.close();
      report('ended');
      subscriber.complete();
    };
    const tick = (): void => {
      timer = undefined;
      const head = queue[0];
      if (!head) return fileDone ? complete() : undefined;
      const now = Date.now();
      let clock = anchor ?? { wallMs: now, ptsMs: head.livePtsMs };
      const dueAt = (ptsMs: number): number => clock.wallMs + (ptsMs - clock.ptsMs) / speed;
      if (dueAt(head.livePtsMs) > now) {
        anchor = clock;
        timer = setTimeout(tick, dueAt(head.livePtsMs) - now);
        return;
      }
      // The decoder itself fell behind (a busy CPU, a loop restart): a camera does not, so
      // restart the clock at this frame instead of bursting out late frames.
      if (now - dueAt(head.livePtsMs) > LATE_RESYNC_MS) clock = { wallMs: now, ptsMs: head.livePtsMs };
      anchor = clock;
      // Everything already due: only the newest is offered, the older ones are late (dropped).
      let due = 0;
      while (due < queue.length && dueAt((queue[due] as (typeof queue)[number]).livePtsMs) <= now) due += 1;
      const taken = queue.splice(0, due);
      for (const [i, item] of taken.entries()) {
        item.release();
        if (i < taken.length - 1) {
          lateDropped += 1;
          index += 1;
          continue;
        }
        const { frame } = item;
        slot.offer({ ...frame, index: index++, ptsMs: item.livePtsMs, capturedAtMs: now });
      }
      tick();
    };
    const play = (): void => {
      pass = file.subscribe({
        next: (frame) => {
          sourceId = frame.sourceId;
          framesIn += 1;
          const livePtsMs = frame.ptsMs + offsetMs;
          if (Number.isFinite(lastLivePtsMs) && livePtsMs > lastLivePtsMs) gapMs = livePtsMs - lastLivePtsMs;
          lastLivePtsMs = Math.max(lastLivePtsMs, livePtsMs);
          queue.push({ frame, livePtsMs, release: retainFrame(frame) });
          if (timer === undefined && queue.length === 1) tick();
        },
        error: (error: unknown) => {
          const { code = 'AUF_ERR_DECODE', message = String(error) } = error as {
            code?: string;
            message?: string;
          };
          report('failed', { code, message });
          subscriber.error(error);
        },
        complete: () => {
          if (loop && framesIn > 0) {
            offsetMs = lastLivePtsMs + gapMs;
            play();
          } else {
            fileDone = true;
            if (queue.length === 0) complete();
          }
        },
      });
    };
    play();
    return () => {
      clearTimeout(timer);
      pass?.unsubscribe();
      for (const item of queue.splice(0)) item.release();
      slot.close();
    };
  });
  return { frames, status: status.asObservable() };
}
