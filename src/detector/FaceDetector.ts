/**
 * BlazeFace face detection on RGB24 frames: letterbox, one ONNX inference per pass, anchor
 * decoding, weighted NMS, faces in frame pixels.
 *
 * One detector owns one onnxruntime session and one input tensor (moved to the session's worker
 * and back, never copied), so calls run one at a time (later calls wait for earlier ones). With `tile`, small faces in large frames
 * are found by also running on overlapping tiles; faces cut by a tile edge give way to a
 * detection of the same face that no edge cuts.
 *
 * Example
 * ```ts
 * import { FaceDetector } from 'auformer-stream';
 * const detector = await FaceDetector.create({ model: 'full' }); // or 'back' + tile for large frames
 * const faces = await detector.detect(frame); // [{ box: { x: 812, y: 240, width: 150, ... }, score: 0.93, keypoints: [...] }]
 * await detector.dispose();
 * ```
 * @see docs/detector.md
 */
import { MediaError, ModelError } from '../errors.js';
import { openSession, type WorkerSession } from '../model/openSession.js';
import type { Box, Face } from '../types/face.js';
import type { Frame } from '../types/frame.js';
import { blazeFaceAnchors } from './blazeFaceAnchors.js';
import { BLAZEFACE_MODELS, type BlazeFaceModelName } from './blazeFaceModels.js';
import { decodeDetections } from './decodeDetections.js';
import {
  resolveFaceDetectorOptions,
  type FaceDetectorOptions,
  type ResolvedFaceDetectorOptions,
} from './faceDetectorOptions.js';
import { letterbox, toFramePixels } from './letterbox.js';
import { planTiles } from './planTiles.js';
import { blazeFaceIo, type BlazeFaceIo } from './blazeFaceIo.js';
import { weightedNms } from './weightedNms.js';

export class FaceDetector {
  /** Side of the square detector input, in pixels (128 front, 256 back). */
  readonly inputSize: number;
  readonly options: ResolvedFaceDetectorOptions;
  private readonly session: WorkerSession;
  private readonly io: BlazeFaceIo;
  private readonly anchors: Float32Array;
  /** Letterboxed input; moved to the session's worker during a run and handed back after. */
  private input: Float32Array;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private constructor(session: WorkerSession, io: BlazeFaceIo, options: ResolvedFaceDetectorOptions) {
    this.session = session;
    this.io = io;
    this.options = options;
    this.inputSize = io.inputSize;
    this.anchors = blazeFaceAnchors(io.anchorLayers);
    this.input = new Float32Array(io.inputSize * io.inputSize * 3);
  }

  /** Loads the model; a missing file is `AUF_ERR_MODEL_LOAD`, a non-BlazeFace one `AUF_ERR_MODEL_SHAPE`. */
  static async create(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
    const resolved = resolveFaceDetectorOptions(options);
    const path = BLAZEFACE_MODELS[resolved.model as BlazeFaceModelName] ?? resolved.model;
    const { executionProviders, intraOpThreads } = resolved;
    const session = await openSession(path, { executionProviders, intraOpThreads });
    try {
      return new FaceDetector(session, blazeFaceIo(session, path), resolved);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /** Faces in `frame`, best first, in frame pixels (boxes and keypoints clamped to the frame). */
  detect(frame: Frame): Promise<Face[]> {
    if (this.disposed) return Promise.reject(disposedError());
    if (frame.data.length < frame.width * frame.height * 3 || frame.width < 1 || frame.height < 1) {
      return Promise.reject(
        new MediaError(
          'AUF_ERR_DECODE',
          frame.sourceId,
          `Frame ${frame.index} has ${frame.data.length} bytes, expected width*height*3 = ${frame.width * frame.height * 3} (RGB24). Decode frames with pix_fmt rgb24.`,
        ),
      );
    }
    const run = this.queue.then(() => this.detectNow(frame));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Releases the onnxruntime session once pending detections finish; later `detect` calls reject. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    await this.session.release();
  }

  private async detectNow(frame: Frame): Promise<Face[]> {
    const whole: Box = { x: 0, y: 0, width: frame.width, height: frame.height };
    const candidates = await this.detectRegion(frame, whole);
    const tile = this.options.tile;
    if (tile && Math.max(frame.width, frame.height) > tile.size) {
      const full: Face[] = [];
      const cut: Face[] = [];
      for (const region of planTiles(frame.width, frame.height, tile.size, tile.overlap)) {
        for (const face of await this.detectRegion(frame, region)) {
          (isCut(face.box, region, frame) ? cut : full).push(face);
        }
      }
      // A face cut by a tile edge is kept only where no tile saw it whole.
      candidates.push(...full, ...cut.filter((c) => !full.some((f) => overlapOfFirst(c.box, f.box) > 0.5)));
    }
    const kept = tile ? dropEnclosing(candidates) : candidates;
    const { iouThreshold, maxFaces } = this.options;
    return weightedNms(kept, { iouThreshold, maxFaces }).map((f) => clampFace(f, frame.width, frame.height));
  }

  private async detectRegion(frame: Frame, region: Box): Promise<Face[]> {
    const transform = letterbox(frame, region, this.inputSize, this.input);
    const size = this.inputSize;
    let out: Record<string, { data: Float32Array }>;
    try {
      const feeds = { [this.io.input]: { data: this.input, dims: [1, size, size, 3] } };
      const run = await this.session.runTransferring(feeds);
      out = run.outputs;
      this.input = run.feeds[this.io.input]?.data ?? new Float32Array(size * size * 3);
    } catch (cause) {
      this.input = new Float32Array(size * size * 3); // a failed run does not hand it back
      throw new ModelError(
        'AUF_ERR_INFERENCE',
        `BlazeFace inference failed: ${String(cause)}. Check the model file (scripts/fetch-blazeface.sh --check) and the execution provider.`,
        { cause },
      );
    }
    const layers = this.io.layers.map(({ scores, regressors }) => ({
      scores: tensor(out, scores),
      regressors: tensor(out, regressors),
    }));
    return decodeDetections(layers, this.anchors, size, this.options.minScore).map((f) =>
      toFramePixels(f, transform),
    );
  }
}

function tensor(out: Record<string, { data: Float32Array }>, name: string): Float32Array {
  const t = out[name];
  if (!t)
    throw new ModelError(
      'AUF_ERR_INFERENCE',
      `BlazeFace returned no output '${name}'. Use a model from assets/blazeface.`,
    );
  return t.data;
}

function disposedError(): ModelError {
  return new ModelError(
    'AUF_ERR_MODEL_DISPOSED',
    'FaceDetector.detect() was called after dispose(). Create a new detector with FaceDetector.create().',
  );
}

/** True when `box` reaches (within 1% of the tile) an edge of `tile` that is not a frame edge. */
function isCut(box: Box, tile: Box, frame: Frame): boolean {
  const m = 0.01 * Math.max(tile.width, tile.height);
  return (
    (tile.x > 0 && box.x < tile.x + m) ||
    (tile.y > 0 && box.y < tile.y + m) ||
    (tile.x + tile.width < frame.width && box.x + box.width > tile.x + tile.width - m) ||
    (tile.y + tile.height < frame.height && box.y + box.height > tile.y + tile.height - m)
  );
}

/**
 * Passes at different scales can report one face twice: a tight box from a tile and a loose,
 * larger one from the whole frame, where the face is below the model's range. IoU is too low
 * to merge them, so a box that mostly encloses a better-scoring smaller one is dropped.
 */
function dropEnclosing(faces: readonly Face[]): Face[] {
  return faces.filter((c) => !faces.some((f) => f.score > c.score && overlapOfFirst(f.box, c.box) > 0.7));
}

/** Intersection area over the area of `a`. */
function overlapOfFirst(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? (w * h) / (a.width * a.height) : 0;
}

function clampFace(face: Face, width: number, height: number): Face {
  const cx = (v: number): number => Math.min(width, Math.max(0, v));
  const cy = (v: number): number => Math.min(height, Math.max(0, v));
  const x = cx(face.box.x);
  const y = cy(face.box.y);
  const box = {
    x,
    y,
    width: cx(face.box.x + face.box.width) - x,
    height: cy(face.box.y + face.box.height) - y,
  };
  return { box, score: face.score, keypoints: face.keypoints.map((p) => ({ x: cx(p.x), y: cy(p.y) })) };
}
