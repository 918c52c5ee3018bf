/**
 * `toCsv`'s `openface` style: the columns of OpenFace 2.2's `RecorderCSV` that this SDK can fill
 * honestly, named, ordered, numbered and separated (`, `) as OpenFace writes them, so scripts
 * written for OpenFace's FeatureExtraction output read the file unchanged.
 *
 * Filled: `frame` (from 1), `face_id` (from 0, OpenFace's numbering: track id - 1), `timestamp`
 * (s), `confidence` (the detector score, where OpenFace has its landmark tracker's), `success`,
 * and `AUxx_c` (0/1 occurrence) for the model's AUs; with `landmarks`, `pose_Rx/Ry/Rz` (radians)
 * and the 2-D 68 points `x_0..x_67`, `y_0..y_67` from the face mesh, where OpenFace puts them
 * (before the AUs). Left out: `AUxx_r` (OpenFace's 0-5 intensities: an occurrence model cannot
 * produce them), gaze, eye landmarks, 3D landmarks, `pose_T*` (no metric translation without
 * camera intrinsics), the PDM parameters, and any AU the model does not detect. A frame without
 * a face gets one row with `success` 0 and empty AU cells (not measured, where OpenFace writes 0).
 */
import type { FrameResult } from '../types/result.js';
import { activeCell, frameNumber, line, num, seconds, type CsvLayout } from './csvColumns.js';
import { OPENFACE_LANDMARK_COLUMNS, openFaceLandmarkCells } from './landmarkColumns.js';
import { DECIMALS } from './roundRecord.js';

const SEPARATOR = ', ';

export function openFaceColumns(layout: CsvLayout): string[] {
  return [
    'frame',
    'face_id',
    'timestamp',
    'confidence',
    'success',
    ...(layout.landmarks ? OPENFACE_LANDMARK_COLUMNS : []),
    ...layout.auNames.map((au) => `${au}_c`),
  ];
}

export function openFaceHeader(layout: CsvLayout): string {
  return line(openFaceColumns(layout), SEPARATOR);
}

export function openFaceRows(frame: FrameResult, layout: CsvLayout): string[] {
  if (frame.faces.length === 0) {
    const empty = (layout.landmarks ? OPENFACE_LANDMARK_COLUMNS : []).map(() => '');
    return [
      line(
        [frameNumber(frame), 0, seconds(frame), 0, 0, ...empty, ...layout.auNames.map(() => '')],
        SEPARATOR,
      ),
    ];
  }
  return frame.faces.map((face) =>
    line(
      [
        frameNumber(frame),
        face.trackId - 1,
        seconds(frame),
        num(face.score, DECIMALS.probability),
        1,
        ...(layout.landmarks ? openFaceLandmarkCells(face, (v, kind) => num(v, DECIMALS[kind])) : []),
        ...layout.auNames.map((au, i) => activeCell(face, au, layout.thresholds[i] ?? 0.5)),
      ],
      SEPARATOR,
    ),
  );
}
