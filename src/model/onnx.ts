/**
 * The only module that imports onnxruntime-node. Everything else sees plain float tensors, so
 * swapping the runtime (or moving inference to a model server) touches this file alone.
 *
 * onnxruntime-node runs a session synchronously on the calling thread, so this module is loaded
 * in a worker thread (onnxWorker.ts); the rest of the SDK uses `openSession` (openSession.ts).
 */
import * as ort from 'onnxruntime-node';
import { ModelError } from '../errors.js';

/** `cpu`, `cuda` (device 0), `cuda:N`, or `tensorrt` / `tensorrt:N`. */
export type ExecutionProvider = 'cpu' | 'cuda' | 'tensorrt' | `cuda:${number}` | `tensorrt:${number}`;

export interface SessionOptions {
  /** Providers in order of preference; `cpu` is always the last fallback. Defaults to `['cpu']`. */
  readonly executionProviders?: readonly ExecutionProvider[];
  /** onnxruntime intra-op threads. Defaults to onnxruntime's choice (one per core). */
  readonly intraOpThreads?: number;
  /**
   * Let idle onnxruntime pool threads spin waiting for work. Off by default: the detector's and
   * the model's pools (and ffmpeg) share the cores, and spinning threads starve each other.
   */
  readonly spinning?: boolean;
}

/** A float32 tensor as plain data. */
export interface FloatTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** A uint8 tensor as plain data (the input of a `.uint8.onnx` model). */
export interface ByteTensor {
  readonly data: Uint8Array;
  readonly dims: readonly number[];
}

/** What a session takes as input. */
export type InputTensor = FloatTensor | ByteTensor;

/** The shape of an input or output; `-1` or a name for dynamic axes. */
export type Shape = readonly (number | string)[];

export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputShapes: Readonly<Record<string, Shape>>;
  readonly outputShapes: Readonly<Record<string, Shape>>;
  /** Element type of each tensor input (`'float32'`, `'uint8'`, ...). */
  readonly inputTypes: Readonly<Record<string, string>>;
  /** Names of the execution providers asked for, in order. */
  readonly providers: readonly string[];
  run(feeds: Readonly<Record<string, InputTensor>>): Promise<Record<string, FloatTensor>>;
  release(): Promise<void>;
}

const CUDA_HINT =
  'onnxruntime-node ships CPU binaries only by default. On a machine with internet, reinstall ' +
  'with `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` ' +
  '(see docs/gpu.md), or use ' +
  "executionProviders: ['cpu'].";

function toOrtProvider(p: ExecutionProvider): ort.InferenceSession.ExecutionProviderConfig {
  const [name, id] = p.split(':') as [string, string | undefined];
  if (name === 'cpu') return 'cpu';
  const deviceId = id === undefined ? 0 : Number(id);
  return { name, deviceId } as ort.InferenceSession.ExecutionProviderConfig;
}

function shapesOf(meta: readonly ort.InferenceSession.ValueMetadata[]): Record<string, Shape> {
  const out: Record<string, Shape> = {};
  for (const m of meta) if (m.isTensor) out[m.name] = m.shape;
  return out;
}

/**
 * Opens a session on the calling thread; a missing or corrupt file or an unavailable provider
 * is a `ModelError`. Runs block the calling thread: use `openSession` from the main thread.
 */
export async function openOrtSession(
  pathOrBytes: string | Uint8Array,
  options: SessionOptions = {},
): Promise<OnnxSession> {
  const providers = options.executionProviders ?? ['cpu'];
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [...providers.map(toOrtProvider), ...(providers.includes('cpu') ? [] : ['cpu'])],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
    extra: { session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' } } },
  };
  let session: ort.InferenceSession;
  try {
    session =
      typeof pathOrBytes === 'string'
        ? await ort.InferenceSession.create(pathOrBytes, sessionOptions)
        : await ort.InferenceSession.create(pathOrBytes, sessionOptions);
  } catch (cause) {
    const text = String((cause as Error)?.message ?? cause);
    const gpu = providers.find((p) => p !== 'cpu');
    if (gpu && /provider|cuda|tensorrt|libcu|\.so/i.test(text)) {
      throw new ModelError(
        'AUF_ERR_PROVIDER_UNAVAILABLE',
        `Execution provider '${gpu}' is not available: ${text}. ${CUDA_HINT}`,
        { cause },
      );
    }
    const where = typeof pathOrBytes === 'string' ? `'${pathOrBytes}'` : 'the given bytes';
    throw new ModelError(
      'AUF_ERR_MODEL_LOAD',
      `Cannot load ONNX model from ${where}: ${text}. Check that the file is a complete ONNX model (re-export it with model/ or re-download it).`,
      { cause },
    );
  }
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputShapes: shapesOf(session.inputMetadata),
    outputShapes: shapesOf(session.outputMetadata),
    inputTypes: Object.fromEntries(session.inputMetadata.flatMap((m) => (m.isTensor ? [[m.name, m.type]] : []))),
    providers: providers.map((p) => p.split(':')[0] as string),
    async run(feeds) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) {
        ortFeeds[name] =
          t.data instanceof Uint8Array ? new ort.Tensor('uint8', t.data, t.dims) : new ort.Tensor('float32', t.data, t.dims);
      }
      const out = await session.run(ortFeeds);
      const result: Record<string, FloatTensor> = {};
      for (const [name, t] of Object.entries(out)) {
        result[name] = { data: t.data as Float32Array, dims: t.dims };
      }
      return result;
    },
    release: () => session.release(),
  };
}
