/**
 * Lossless back-pressure across async RxJS stages.
 *
 * RxJS has no back-pressure: an async stage (ONNX inference) would let a fast source queue
 * frames without limit. Instead, a source registers each frame it emits; any async stage that
 * keeps the frame past its synchronous `next()` *retains* it and releases it once its own
 * output for that frame has been emitted. The source counts frames that are still retained and
 * pauses ffmpeg's pipe at its high-water mark, so memory stays bounded and the decoder only
 * runs as fast as the slowest stage (it also stops stealing CPU from inference).
 *
 * Frames that every stage handles synchronously are free as soon as `next()` returns.
 */
import { concatMap, defer, finalize, from, map, type OperatorFunction } from 'rxjs';
import type { Frame } from '../types/frame.js';

interface Lease {
  count: number;
  readonly onFree: () => void;
}

const leases = new WeakMap<Frame, Lease>();

/**
 * For sources: emits `frame` through `emit` while holding one lease on it; `onFree` runs once
 * every stage has released it (possibly before this returns).
 */
export function emitLeased(frame: Frame, emit: (frame: Frame) => void, onFree: () => void): void {
  leases.set(frame, { count: 1, onFree });
  try {
    emit(frame);
  } finally {
    releaseOnce(frame);
  }
}

/**
 * For async stages: call synchronously while handling `frame`; returns an idempotent release
 * to call once the stage has emitted its result for the frame (or dropped it, or errored).
 * Frames that no source registered (built by hand) are ignored.
 */
export function retainFrame(frame: Frame): () => void {
  const lease = leases.get(frame);
  if (!lease) return () => undefined;
  lease.count += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    releaseOnce(frame);
  };
}

function releaseOnce(frame: Frame): void {
  const lease = leases.get(frame);
  if (!lease) return;
  lease.count -= 1;
  if (lease.count === 0) {
    leases.delete(frame);
    lease.onFree();
  }
}

/**
 * An async stage over frames, kept back-pressured: each item's frame is retained from its
 * arrival until `step`'s result for it has been emitted; results come in input order, one step
 * at a time; unsubscribing releases the frames still queued or in flight, so none leaks a lease.
 */
export function concatMapRetained<T, R>(
  frameOf: (item: T) => Frame,
  step: (item: T) => Promise<R>,
): OperatorFunction<T, R> {
  return (source) =>
    defer(() => {
      const pending = new Set<() => void>();
      return source.pipe(
        map((item) => {
          const release = retainFrame(frameOf(item));
          pending.add(release);
          return { item, release };
        }),
        concatMap(({ item, release }) =>
          from(step(item)).pipe(
            finalize(() => {
              pending.delete(release);
              release();
            }),
          ),
        ),
        finalize(() => {
          for (const release of pending) release();
          pending.clear();
        }),
      );
    });
}
