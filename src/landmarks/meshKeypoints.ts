/**
 * The four alignment points from the mesh, in the order of BlazeFace's first four keypoints
 * (subject's right eye, left eye, nose tip, mouth centre), so a model card's 4-point template
 * works with either source: eye centres are the means of the eye contours, the nose tip is mesh
 * point 4, the mouth centre the midpoint of the inner lips' centre points (13, 14).
 * The training toolkit (model/) uses the same definition.
 */
import type { Point } from '../types/face.js';
import type { Point3 } from '../types/landmarks.js';
import { centreOf } from './faceGeometry.js';
import { LEFT_EYE_CONTOUR, MOUTH_CENTRE, NOSE_TIP, RIGHT_EYE_CONTOUR } from './meshContours.js';

export function meshAlignmentPoints(points: readonly Point3[]): Point[] {
  const right = centreOf(points, RIGHT_EYE_CONTOUR);
  const left = centreOf(points, LEFT_EYE_CONTOUR);
  const nose = points[NOSE_TIP] as Point3;
  const mouth = centreOf(points, MOUTH_CENTRE);
  return [right, left, nose, mouth].map(({ x, y }) => ({ x, y }));
}
