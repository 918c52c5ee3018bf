/**
 * MediaPipe Face Mesh on RGB24 frames: each face's region is warped to a 192x192 crop, faces
 * run as batches in one onnxruntime session (its own worker thread), and the 468 points come
 * back in frame pixels with the face-presence probability.
 *
 * Batching needs no waiting: one run at a time, and the calls that arrive while a run is in
 * flight (other frames, other streams sharing the mesh, as in the `StreamHub`) go together into
 * the next run, up to `maxBatch` faces.
 *
 * Example
 * ```ts
 * import { FaceMesh, roiFromDetection } from 'auformer-stream';
 * const mesh = await FaceMesh.create();
 * const [face] = await mesh.landmarks(frame, [roiFromDetection(detected)]);
 * face.points.length; // 468; face.presence: 0.99
 * await mesh.dispose();
 * ```
 * @see docs/landmarks.md
 */
import { warpToTensor, type CropFormat } from '../detector/alignFace.js';
import { invertSimilarity, applySimilarity } from '../detector/similarity.js';
import { ModelError, OptionError } from '../errors.js';
import type { ExecutionProvider } from '../model/onnx.js';
import { openSession, type FloatTensor, type WorkerSession } from '../model/openSession.js';
import type { Similarity } from '../types/face.js';
import type { Frame } from '../types/frame.js';
import type { FaceLandmarks, FaceRoi, Point3 } from '../types/landmarks.js';
import { FACE_MESH_MODEL } from './faceMeshAssets.js';
import { roiTransform } from './faceRoi.js';

/** Side of the mesh model's square input, in pixels. */
export const MESH_INPUT_SIZE = 192;
export const MESH_POINTS = 468;
const CROP: CropFormat = {
  inputWidth: MESH_INPUT_SIZE,
  inputHeight: MESH_INPUT_SIZE,
  mean: [0, 0, 0],
  std: [1, 1, 1],
};
const PLANE = 3 * MESH_INPUT_SIZE * MESH_INPUT_SIZE;

export interface FaceMeshOptions {
  /** Path of the face landmark ONNX file. Defaults to the vendored assets/facemesh/face_landmark.onnx. */
  readonly model?: string;
  /** onnxruntime execution providers, in order of preference. Defaults to `['cpu']`. */
  readonly executionProviders?: readonly ExecutionProvider[];
  /** onnxruntime intra-op threads. Defaults to 1 (the AU model needs the other cores). */
  readonly intraOpThreads?: number;
  /** Most faces in one run; calls waiting together are split beyond it. Defaults to 16. */
  readonly maxBatch?: number;
}

interface Request {
  readonly frame: Frame;
  readonly rois: readonly FaceRoi[];
  readonly resolve: (meshes: FaceLandmarks[]) => void;
  readonly reject: (error: unknown) => void;
}

export class FaceMesh {
  /** Runs so far and faces in them (a run may hold several calls). */
  readonly stats = { runs: 0, faces: 0 };
  private readonly pending: Request[] = [];
  /** True while `drain` loops; cleared in the same tick as its last check of `pending`. */
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  private disposed = false;

  private constructor(
    private readonly session: WorkerSession,
    private readonly meshOutput: string,
    private readonly presenceOutput: string,
    private readonly maxBatch: number,
  ) {}

  /** Loads the model; a missing file is `AUF_ERR_MODEL_LOAD`, another model `AUF_ERR_MODEL_SHAPE`. */
  static async create(options: FaceMeshOptions = {}): Promise<FaceMesh> {
    const maxBatch = options.maxBatch ?? 16;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      throw new OptionError(
        `FaceMesh option 'maxBatch' must be an integer >= 1 (faces), got ${String(maxBatch)}.`,
      );
    }
    const path = options.model ?? FACE_MESH_MODEL;
    const session = await openSession(path, {
      executionProviders: options.executionProviders ?? ['cpu'],
      intraOpThreads: options.intraOpThreads ?? 1,
    });
    const last = (name: string): unknown => session.outputShapes[name]?.at(-1);
    const mesh = session.outputNames.find((n) => last(n) === MESH_POINTS * 3);
    const presence = session.outputNames.find((n) => last(n) === 1);
    const input = session.inputShapes[session.inputNames[0] ?? '']?.slice(1).join('x');
    if (
      !mesh ||
      !presence ||
      session.inputNames.length !== 1 ||
      input !== `3x${MESH_INPUT_SIZE}x${MESH_INPUT_SIZE}`
    ) {
      await session.release();
      throw new ModelError(
        'AUF_ERR_MODEL_SHAPE',
        `'${path}' is not a face landmark model (want one input [batch, 3, 192, 192] and outputs of 1404 and 1 values, got input ${input}). Use assets/facemesh/face_landmark.onnx.`,
      );
    }
    return new FaceMesh(session, mesh, presence, maxBatch);
  }

  /**
   * The mesh of each region of `frame`, in the order of `rois`. `frame` must stay valid until
   * the promise settles (the operators retain it).
   */
  landmarks(frame: Frame, rois: readonly FaceRoi[]): Promise<FaceLandmarks[]> {
    if (this.disposed) {
      return Promise.reject(
        new ModelError(
          'AUF_ERR_MODEL_DISPOSED',
          'FaceMesh.landmarks() was called after dispose(). Create a new one with FaceMesh.create().',
        ),
      );
    }
    if (rois.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.pending.push({ frame, rois, resolve, reject });
      if (!this.running) {
        this.running = true;
        this.idle = this.drain();
      }
    });
  }

  /** Releases the session once pending calls finish. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.idle;
    await this.session.release();
  }

  /** Runs the waiting calls, as many per run as `maxBatch` allows (at least one call). */
  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = [this.pending.shift() as Request];
      let faces = batch[0]?.rois.length ?? 0;
      while (this.pending.length > 0 && faces + (this.pending[0]?.rois.length ?? 0) <= this.maxBatch) {
        const next = this.pending.shift() as Request;
        faces += next.rois.length;
        batch.push(next);
      }
      try {
        const meshes = await this.run(batch.flatMap((r) => r.rois.map((roi) => ({ frame: r.frame, roi }))));
        let at = 0;
        for (const r of batch) {
          r.resolve(meshes.slice(at, at + r.rois.length));
          at += r.rois.length;
        }
      } catch (error) {
        for (const r of batch) r.reject(error);
      }
    }
    this.running = false;
  }

  private async run(
    items: readonly { readonly frame: Frame; readonly roi: FaceRoi }[],
  ): Promise<FaceLandmarks[]> {
    const input = new Float32Array(PLANE * items.length);
    const transforms: Similarity[] = items.map(({ frame, roi }, i) => {
      const t = roiTransform(roi, MESH_INPUT_SIZE);
      warpToTensor(frame, t, CROP, input, i * PLANE);
      return t;
    });
    this.stats.runs++;
    this.stats.faces += items.length;
    let out: Record<string, FloatTensor>;
    try {
      const dims = [items.length, 3, MESH_INPUT_SIZE, MESH_INPUT_SIZE];
      out = (
        await this.session.runTransferring({ [this.session.inputNames[0] as string]: { data: input, dims } })
      ).outputs;
    } catch (cause) {
      throw new ModelError(
        'AUF_ERR_INFERENCE',
        `Face mesh inference failed: ${String(cause)}. Check the model (scripts/vendor-mediapipe.sh --check).`,
        { cause },
      );
    }
    const mesh = (out[this.meshOutput] as FloatTensor).data;
    const logits = (out[this.presenceOutput] as FloatTensor).data;
    return items.map(({ roi }, i) => {
      const inv = invertSimilarity(transforms[i] as Similarity);
      const zScale = roi.size / MESH_INPUT_SIZE;
      const points: Point3[] = new Array<Point3>(MESH_POINTS);
      for (let p = 0, o = i * MESH_POINTS * 3; p < MESH_POINTS; p++, o += 3) {
        const { x, y } = applySimilarity(inv, { x: mesh[o] as number, y: mesh[o + 1] as number });
        points[p] = { x, y, z: (mesh[o + 2] as number) * zScale };
      }
      return { points, presence: 1 / (1 + Math.exp(-(logits[i] as number))), roi };
    });
  }
}
