/** Messages between openSession.ts (main thread) and onnxWorker.ts (worker thread). */
import type { FloatTensor, InputTensor, Shape } from './onnx.js';

export interface SessionMeta {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputShapes: Readonly<Record<string, Shape>>;
  readonly outputShapes: Readonly<Record<string, Shape>>;
  readonly inputTypes: Readonly<Record<string, string>>;
  readonly providers: readonly string[];
}

export interface WorkerError {
  readonly code?: string;
  readonly message: string;
}

export type WorkerRequest =
  | {
      readonly type: 'run';
      readonly id: number;
      readonly feeds: Record<string, InputTensor>;
      /** The feeds were transferred, not copied: send them back with the result for reuse. */
      readonly returnFeeds: boolean;
    }
  | { readonly type: 'release' };

export type WorkerReply =
  | { readonly type: 'ready'; readonly meta: SessionMeta }
  | { readonly type: 'failed'; readonly error: WorkerError }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly outputs: Record<string, FloatTensor>;
      /** The request's feeds, transferred back, when it asked for them (`returnFeeds`). */
      readonly feeds?: Record<string, InputTensor>;
    }
  | { readonly type: 'error'; readonly id: number; readonly error: WorkerError }
  | { readonly type: 'released' };
