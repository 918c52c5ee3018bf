/**
 * The work of one `auformer crops` process: decode the frames (`fromImages`), detect faces
 * (`detectFaces`), write each frame's aligned crop as PNG and one keypoints record per frame.
 */
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { concatMap, lastValueFrom, defaultIfEmpty, identity } from 'rxjs';
import type { FaceDetectorOptions } from '../detector/faceDetectorOptions.js';
import { SinkError } from '../errors.js';
import { detectFaces } from '../operators/detectFaces.js';
import { meshAlignmentPoints } from '../landmarks/meshKeypoints.js';
import { landmarkFaces } from '../operators/landmarkFaces.js';
import { encodePng } from '../render/encodePng.js';
import { fromImages } from '../sources/fromImages.js';
import type { ModelCard } from '../types/model.js';
import type { CropEntry } from './cropsEntries.js';
import { largestFace, trainingCrop } from './trainingCrop.js';

export interface CropCounts {
  readonly frames: number;
  readonly crops: number;
  readonly noFace: number;
}

/** Crops `entries` into `dir`; records go to `keypoints<suffix>.jsonl` and `no_face<suffix>.txt`. */
export async function cropFrames(
  entries: readonly CropEntry[],
  dir: string,
  canvas: ModelCard,
  detector: FaceDetectorOptions,
  suffix = '',
): Promise<CropCounts> {
  const records = await open(join(dir, `keypoints${suffix}.jsonl`), 'w');
  const noFace = await open(join(dir, `no_face${suffix}.txt`), 'w');
  const counts = { frames: 0, crops: 0, noFace: 0 };
  try {
    const done = fromImages(entries.map((e) => e.frame)).pipe(
      detectFaces(detector),
      // A 'mesh' canvas aligns from the face mesh (alignmentTransform reads face.landmarks).
      canvas.keypointSource === 'mesh' ? landmarkFaces() : identity,
      concatMap(async ({ frame, faces }) => {
        const entry = entries[frame.index] as CropEntry;
        const face = largestFace(faces);
        counts.frames++;
        if (!face) {
          counts.noFace++;
          await noFace.write(`${entry.frame}\n`);
          await records.write(`${JSON.stringify({ frame: entry.frame, image: null, faces: 0 })}\n`);
          return;
        }
        const { image, transform } = trainingCrop(frame, face, canvas); // before any await: the frame is live
        const path = join(dir, entry.name);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, encodePng(image)).catch((cause: unknown) => {
          throw new SinkError(`Cannot write crop '${path}': check the disk space and permissions.`, {
            cause,
          });
        });
        counts.crops++;
        const { box, score, keypoints } = face;
        const record = {
          frame: entry.frame,
          image: entry.name,
          faces: faces.length,
          score,
          box,
          keypoints,
          ...(face.landmarks
            ? {
                mesh_presence: face.landmarks.presence,
                alignment_points: meshAlignmentPoints(face.landmarks.points),
              }
            : {}),
          transform,
        };
        await records.write(`${JSON.stringify(record)}\n`);
      }),
      defaultIfEmpty(undefined),
    );
    await lastValueFrom(done);
  } finally {
    await records.close();
    await noFace.close();
  }
  return counts;
}
