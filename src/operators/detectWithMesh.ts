/**
 * Face detection every N frames, the face mesh on every frame (MediaPipe's tracking scheme):
 * on a detection frame each face's region comes from the detector; on the frames between, from
 * that face's mesh in the previous frame, so the detector does not run at all. It runs again
 * after `detectEvery` frames, when a face's presence falls below `minPresence` (the face is
 * dropped and the next frame detects), or when there is no face to follow. New faces are found
 * only on detection frames. Outputs `FrameFaces` like `detectFaces` + `landmarkFaces`; faces on
 * mesh-only frames get their box, score and keypoints from the mesh (faceFromMesh.ts). Put
 * `trackFaces` after it for stable ids.
 *
 * ```
 * frames:   f0  f1  f2  f3  f4  f5     detectEvery: 3
 * detector: D           D
 * mesh:     M   M   M   M   M   M      (f1, f2 from f0's mesh; f4, f5 from f3's)
 * ```
 *
 * Example
 * ```ts
 * import { fromFile, detectWithMesh, trackFaces } from 'auformer-stream';
 * fromFile('talk.mp4').pipe(detectWithMesh({ detectEvery: 5 }), trackFaces());
 * ```
 * @see docs/landmarks.md
 */
import { type OperatorFunction, defer, finalize, from, ignoreElements, merge } from 'rxjs';
import { FaceDetector } from '../detector/FaceDetector.js';
import type { FaceDetectorOptions } from '../detector/faceDetectorOptions.js';
import { OptionError } from '../errors.js';
import { faceFromMesh } from '../landmarks/faceFromMesh.js';
import { FaceMesh } from '../landmarks/FaceMesh.js';
import { roiFromDetection, roiFromMesh } from '../landmarks/faceRoi.js';
import type { Face } from '../types/face.js';
import type { Frame } from '../types/frame.js';
import type { FaceLandmarks } from '../types/landmarks.js';
import type { FrameFaces } from '../types/pipeline.js';
import { concatMapRetained } from './frameLease.js';
import { withLandmarks, type LandmarkFacesOptions } from './landmarkFaces.js';

export interface DetectWithMeshOptions extends LandmarkFacesOptions {
  /** A shared `FaceDetector`, or options for one owned by the operator. Defaults to BlazeFace front. */
  readonly detector?: FaceDetector | FaceDetectorOptions;
  /** Run the detector on every Nth frame (1: every frame). Defaults to 5. */
  readonly detectEvery?: number;
}

export function detectWithMesh(options: DetectWithMeshOptions = {}): OperatorFunction<Frame, FrameFaces> {
  const detectEvery = options.detectEvery ?? 5;
  const minPresence = options.minPresence ?? 0.5;
  if (!Number.isInteger(detectEvery) || detectEvery < 1) {
    throw new OptionError(
      `detectWithMesh option 'detectEvery' must be an integer >= 1 (frames), got ${String(detectEvery)}.`,
    );
  }
  if (!(minPresence >= 0 && minPresence <= 1)) {
    throw new OptionError(
      `detectWithMesh option 'minPresence' must be a number in [0, 1], got ${String(minPresence)}.`,
    );
  }
  return (source) =>
    defer(() => {
      const sharedDetector = options.detector instanceof FaceDetector ? options.detector : undefined;
      const detector = sharedDetector
        ? Promise.resolve(sharedDetector)
        : FaceDetector.create(options.detector as FaceDetectorOptions | undefined);
      const mesh = options.mesh ? Promise.resolve(options.mesh) : FaceMesh.create(options);
      // Per source: the previous frame's meshes and frames since the last detection.
      const state = new Map<string, { previous: FaceLandmarks[]; sinceDetection: number }>();

      const step = async (frame: Frame): Promise<FrameFaces> => {
        const s = state.get(frame.sourceId) ?? { previous: [], sinceDetection: Infinity };
        state.set(frame.sourceId, s);
        const detect = s.previous.length === 0 || s.sinceDetection + 1 >= detectEvery;
        let faces: Face[];
        if (detect) {
          const detected = await (await detector).detect(frame);
          const meshes = await (await mesh).landmarks(frame, detected.map(roiFromDetection));
          faces = detected.map((f, i) => withLandmarks(f, meshes[i] as FaceLandmarks, minPresence));
          s.sinceDetection = 0;
        } else {
          const meshes = await (
            await mesh
          ).landmarks(
            frame,
            s.previous.map((m) => roiFromMesh(m.points)),
          );
          const kept = meshes.filter((m) => m.presence >= minPresence);
          faces = kept.map((m) => withLandmarks(faceFromMesh(m), m, minPresence));
          // A face lost: detect on the next frame (MediaPipe re-runs the detector then).
          s.sinceDetection = kept.length < meshes.length ? Infinity : s.sinceDetection + 1;
        }
        s.previous = faces.flatMap((f) => (f.landmarks ? [f.landmarks] : []));
        return { frame, faces };
      };

      const faces$ = source.pipe(concatMapRetained((frame: Frame) => frame, step));
      // Surfaces a model that fails to load before any frame arrives (live sources may be slow).
      const loadError$ = from(Promise.all([detector, mesh])).pipe(ignoreElements());
      return merge(faces$, loadError$).pipe(
        finalize(() => {
          if (!sharedDetector) void detector.then((d) => d.dispose()).catch(warn);
          if (!options.mesh) void mesh.then((m) => m.dispose()).catch(warn);
        }),
      );
    });
}

function warn(error: unknown): void {
  const code = (error as { code?: string })?.code;
  if (code === 'AUF_ERR_MODEL_LOAD' || code === 'AUF_ERR_MODEL_SHAPE') return;
  process.emitWarning(`detectWithMesh: releasing a model failed: ${String(error)}`);
}
