/**
 * MediaPipe Face Mesh on RGB24 frames: each face's region is warped to a 192x192 crop, all the
 * faces of a call run as one batch in one onnxruntime session, and the 468 points come back in
 * frame pixels with the face-presence probability.
 *
 * Calls run one at a time (later ones wait), like `FaceDetector`.
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
import { ModelError } from '../errors.js';
import type { ExecutionProvider } from '../model/onnx.js';
import { openSession, type FloatTensor, type WorkerSession } from '../model/openSession.js';
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
}

export class FaceMesh {
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private constructor(
    private readonly session: WorkerSession,
    private readonly meshOutput: string,
    private readonly presenceOutput: string,
  ) {}

  /** Loads the model; a missing file is `AUF_ERR_MODEL_LOAD`, another model `AUF_ERR_MODEL_SHAPE`. */
  static async create(options: FaceMeshOptions = {}): Promise<FaceMesh> {
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
    return new FaceMesh(session, mesh, presence);
  }

  /** The mesh of each region of `frame`, in the order of `rois`, from one batched run. */
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
    const run = this.queue.then(() => this.run(frame, rois));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Releases the session once pending calls finish. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    await this.session.release();
  }

  private async run(frame: Frame, rois: readonly FaceRoi[]): Promise<FaceLandmarks[]> {
    const input = new Float32Array(PLANE * rois.length);
    const transforms = rois.map((roi, i) => {
      const t = roiTransform(roi, MESH_INPUT_SIZE);
      warpToTensor(frame, t, CROP, input, i * PLANE);
      return t;
    });
    let out: Record<string, FloatTensor>;
    try {
      const feeds = {
        [this.session.inputNames[0] as string]: {
          data: input,
          dims: [rois.length, 3, MESH_INPUT_SIZE, MESH_INPUT_SIZE],
        },
      };
      out = (await this.session.runTransferring(feeds)).outputs;
    } catch (cause) {
      throw new ModelError(
        'AUF_ERR_INFERENCE',
        `Face mesh inference failed: ${String(cause)}. Check the model (scripts/vendor-mediapipe.sh --check).`,
        { cause },
      );
    }
    const mesh = (out[this.meshOutput] as FloatTensor).data;
    const logits = (out[this.presenceOutput] as FloatTensor).data;
    return rois.map((roi, i) => {
      const inv = invertSimilarity(transforms[i] as NonNullable<(typeof transforms)[number]>);
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
