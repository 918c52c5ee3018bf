/**
 * Adds the 468-point face mesh, head pose and eye/mouth geometry to every detected face: one
 * `FrameFaces` per input, in order, each face a new object with `landmarks`, `pose` and
 * `geometry` (faces the mesh model finds no face in, presence below `minPresence`, keep their
 * box and get none of the three).
 *
 * Each face's region follows MediaPipe's convention (the detector box rotated so the eye line is
 * horizontal, 1.5x, square); all faces of a frame run as one batch. Frames are retained while
 * their mesh runs, so a file source pauses rather than queueing, as with `detectFaces`.
 *
 * ```
 * detected: --a0------a1-----|
 * mesh:        [..a0..]  [..a1..]
 * output:   ---------b0--------b1|     b = a with landmarks, pose, geometry on each face
 * ```
 *
 * Example
 * ```ts
 * import { fromFile, detectFaces, trackFaces, landmarkFaces } from 'auformer-stream';
 * fromFile('talk.mp4').pipe(detectFaces(), trackFaces(), landmarkFaces()).subscribe(({ faces }) =>
 *   console.log(faces[0]?.pose)); // { pitchDeg: 4.1, yawDeg: -12.7, rollDeg: 1.9 }
 * ```
 * @see docs/landmarks.md
 */
import { type OperatorFunction, defer, finalize, from, ignoreElements, merge } from 'rxjs';
import { OptionError } from '../errors.js';
import { faceGeometry } from '../landmarks/faceGeometry.js';
import { FaceMesh, type FaceMeshOptions } from '../landmarks/FaceMesh.js';
import { roiFromDetection } from '../landmarks/faceRoi.js';
import { headPose } from '../landmarks/headPose.js';
import type { Face } from '../types/face.js';
import type { FaceLandmarks } from '../types/landmarks.js';
import type { FrameFaces } from '../types/pipeline.js';
import { concatMapRetained } from './frameLease.js';

export interface LandmarkFacesOptions extends FaceMeshOptions {
  /** A shared `FaceMesh` (its lifecycle stays with the caller); otherwise one is created per subscription. */
  readonly mesh?: FaceMesh;
  /** Faces whose mesh presence (in [0, 1]) is below this get no landmarks, pose or geometry. Defaults to 0.5. */
  readonly minPresence?: number;
}

const DEFAULT_MIN_PRESENCE = 0.5;

/** The face with its mesh, pose and geometry (a new object), or the face as it was. */
export function withLandmarks(face: Face, landmarks: FaceLandmarks, minPresence: number): Face {
  if (landmarks.presence < minPresence) return face;
  return { ...face, landmarks, pose: headPose(landmarks.points), geometry: faceGeometry(landmarks.points) };
}

export function landmarkFaces(options: LandmarkFacesOptions = {}): OperatorFunction<FrameFaces, FrameFaces> {
  const minPresence = options.minPresence ?? DEFAULT_MIN_PRESENCE;
  if (!(minPresence >= 0 && minPresence <= 1)) {
    throw new OptionError(
      `landmarkFaces option 'minPresence' must be a number in [0, 1], got ${String(minPresence)}.`,
    );
  }
  return (source) =>
    defer(() => {
      const ready = options.mesh ? Promise.resolve(options.mesh) : FaceMesh.create(options);
      const out$ = source.pipe(
        concatMapRetained(
          (item: FrameFaces) => item.frame,
          async ({ frame, faces }): Promise<FrameFaces> => {
            const meshes = await (await ready).landmarks(frame, faces.map(roiFromDetection));
            return {
              frame,
              faces: faces.map((face, i) => withLandmarks(face, meshes[i] as FaceLandmarks, minPresence)),
            };
          },
        ),
      );
      return merge(out$, from(ready).pipe(ignoreElements())).pipe(
        finalize(() => {
          if (!options.mesh) void ready.then((mesh) => mesh.dispose()).catch(reportDisposeError);
        }),
      );
    });
}

/** A load error already went down the error channel; a failed release only deserves a warning. */
function reportDisposeError(error: unknown): void {
  const code = (error as { code?: string })?.code;
  if (code === 'AUF_ERR_MODEL_LOAD' || code === 'AUF_ERR_MODEL_SHAPE') return;
  process.emitWarning(`landmarkFaces: disposing the face mesh failed: ${String(error)}`);
}
