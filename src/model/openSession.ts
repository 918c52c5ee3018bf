/**
 * `openSession`: an onnxruntime session hosted in its own worker thread (onnxWorker.ts).
 *
 * onnxruntime-node's `run` is synchronous on the thread that calls it (it is only deferred with
 * `setImmediate`), so on the main thread every batch would freeze Node: ffmpeg pipes unread,
 * WebSocket heartbeats late, other streams' crops unable to join the batch. In a worker, the
 * main thread stays free and a detector and a model run side by side. `run` copies its inputs
 * once into a transferred buffer; `runTransferring` moves the caller's buffers to the worker and
 * back without any copy (AUModel's batch tensors). Outputs come back transferred, without a copy.
 */
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ModelError, type ErrorCode } from '../errors.js';
import type { FloatTensor, InputTensor, OnnxSession, SessionOptions } from './onnx.js';
import type { SessionMeta, WorkerError, WorkerReply, WorkerRequest } from './workerProtocol.js';

export type { ExecutionProvider, FloatTensor, OnnxSession, SessionOptions, Shape } from './onnx.js';

// `.js` from dist/. From source (`.ts`, run by tsx) the worker first registers tsx's loader.
const FROM_SOURCE = extname(new URL(import.meta.url).pathname) === '.ts';
const WORKER_URL = new URL(`./onnxWorker${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url);

function startWorker(workerData: unknown): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

function toModelError(error: WorkerError): ModelError {
  const code = error.code?.startsWith('AUF_ERR_') ? (error.code as ErrorCode) : 'AUF_ERR_INFERENCE';
  return new ModelError(code, error.message);
}

/** What `runTransferring` resolves with: the outputs, and the feeds handed back for reuse. */
export interface TransferredRun {
  readonly outputs: Record<string, FloatTensor>;
  /** The same feeds (same buffers and views), attached again on this thread. */
  readonly feeds: Record<string, FloatTensor>;
}

/** A session in a worker thread; see the file comment. */
export interface WorkerSession extends OnnxSession {
  /**
   * Like `run`, but transfers the feeds' buffers to the worker instead of copying them: they are
   * detached (length 0) until the run resolves and hands them back in `feeds`; if it rejects,
   * they are lost. Feeds must not share a buffer with anything the caller still reads.
   */
  runTransferring(feeds: Readonly<Record<string, FloatTensor>>): Promise<TransferredRun>;
}

interface Pending {
  readonly resolve: (run: TransferredRun) => void;
  readonly reject: (error: unknown) => void;
}

/** Opens `pathOrBytes` in a new worker; rejects with the worker's `ModelError` when it cannot. */
export async function openSession(pathOrBytes: string | Uint8Array, options: SessionOptions = {}): Promise<WorkerSession> {
  const worker = startWorker({ source: pathOrBytes, options });
  const meta = await new Promise<SessionMeta>((resolve, reject) => {
    worker.once('message', (reply: WorkerReply) =>
      reply.type === 'ready' ? resolve(reply.meta) : reject(toModelError(reply.type === 'failed' ? reply.error : { message: 'unexpected worker reply' })),
    );
    worker.once('error', (error) => reject(new ModelError('AUF_ERR_MODEL_LOAD', `onnxruntime worker failed: ${error.message}`, { cause: error })));
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });

  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closed: ModelError | undefined;
  const failAll = (error: ModelError): void => {
    closed ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: WorkerReply) => {
    if (reply.type !== 'result' && reply.type !== 'error') return;
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    // Only runTransferring asks for its feeds back, and it sends float tensors.
    if (reply.type === 'result') p?.resolve({ outputs: reply.outputs, feeds: (reply.feeds ?? {}) as Record<string, FloatTensor> });
    else p?.reject(toModelError(reply.error));
  });
  worker.on('error', (error) => failAll(new ModelError('AUF_ERR_INFERENCE', `onnxruntime worker crashed: ${error.message}`, { cause: error })));
  worker.on('exit', () => failAll(new ModelError('AUF_ERR_MODEL_DISPOSED', 'The onnxruntime session was released.')));
  // An idle session must not keep the process alive; a pending run does (see run()).
  worker.unref();

  const post = (feeds: Record<string, InputTensor>, returnFeeds: boolean): Promise<TransferredRun> => {
    if (closed) return Promise.reject(closed);
    const id = nextId++;
    // A Set: two feeds viewing one buffer must list it once, or postMessage throws.
    const buffers = new Set(Object.values(feeds).map((t) => t.data.buffer as ArrayBuffer));
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.ref();
      const request: WorkerRequest = { type: 'run', id, feeds, returnFeeds };
      worker.postMessage(request, [...buffers]);
    });
  };

  return {
    ...meta,
    async run(feeds) {
      const copies: Record<string, InputTensor> = {};
      for (const [name, t] of Object.entries(feeds)) {
        const dims = [...t.dims];
        copies[name] = t.data instanceof Uint8Array ? { data: t.data.slice(), dims } : { data: t.data.slice(), dims };
      }
      return (await post(copies, false)).outputs;
    },
    runTransferring(feeds) {
      const own: Record<string, FloatTensor> = {};
      for (const [name, t] of Object.entries(feeds)) own[name] = { data: t.data, dims: [...t.dims] };
      return post(own, true);
    },
    async release() {
      if (closed) return;
      const released = new Promise<void>((resolve) => {
        worker.on('message', (reply: WorkerReply) => reply.type === 'released' && resolve());
        worker.once('exit', () => resolve());
      });
      worker.ref();
      worker.postMessage({ type: 'release' } satisfies WorkerRequest);
      await released;
      await worker.terminate();
    },
  };
}
