/**
 * Worker-thread host of one onnxruntime session (see openSession.ts): inference runs here, so
 * Node's main thread keeps reading ffmpeg pipes and serving sockets while a batch runs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type InputTensor, type OnnxSession, type SessionOptions, openOrtSession } from './onnx.js';
import type { WorkerReply, WorkerRequest } from './workerProtocol.js';

const port = parentPort;
if (!port) throw new Error('onnxWorker.ts must run in a worker thread');

const { source, options } = workerData as { source: string | Uint8Array; options: SessionOptions };

function describe(error: unknown): { code?: string; message: string } {
  const e = error as { code?: string; message?: string };
  return { ...(typeof e?.code === 'string' ? { code: e.code } : {}), message: String(e?.message ?? error) };
}

function transferables(outputs: Record<string, InputTensor>): ArrayBuffer[] {
  return Object.values(outputs).map((t) => t.data.buffer as ArrayBuffer);
}

let session: OnnxSession | undefined;
try {
  session = await openOrtSession(source, options);
  const { inputNames, outputNames, inputShapes, outputShapes, inputTypes, providers } = session;
  const meta = { inputNames, outputNames, inputShapes, outputShapes, inputTypes, providers };
  port.postMessage({ type: 'ready', meta } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ type: 'failed', error: describe(error) } satisfies WorkerReply);
}

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'release') {
    void session?.release().finally(() => port.postMessage({ type: 'released' } satisfies WorkerReply));
    return;
  }
  (session as OnnxSession).run(request.feeds).then(
    (outputs) => {
      // Copy out of onnxruntime's buffers so they can be transferred without a second copy.
      const owned = Object.fromEntries(
        Object.entries(outputs).map(([name, t]) => [name, { data: t.data.slice(), dims: t.dims }]),
      );
      // Transferred feeds go back to their owner's pool instead of being collected here.
      const feeds = request.returnFeeds ? request.feeds : undefined;
      const reply: WorkerReply = { type: 'result', id: request.id, outputs: owned, ...(feeds ? { feeds } : {}) };
      port.postMessage(reply, [...transferables(owned), ...(feeds ? transferables(feeds) : [])]);
    },
    (error: unknown) => port.postMessage({ type: 'error', id: request.id, error: describe(error) } satisfies WorkerReply),
  );
});
