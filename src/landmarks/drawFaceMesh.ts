/**
 * Draws a face's mesh contours (outline, eyes, brows, lips, nose: `DRAWN_CONTOURS`) and its head
 * pose axes on a picture, for the annotated video and the README image.
 *
 * Pose axes start at the nose tip and show the head's own axes under its rotation, projected
 * onto the image (weak perspective): red = the head's x axis (towards the subject's left ear:
 * image right for a frontal face), green = its y axis (towards the chin), blue = the direction
 * the face looks (out of the face: towards the camera for a frontal face). Each is as long as
 * the inter-ocular distance.
 */
import type { RgbImage, Rgb } from '../render/rgbImage.js';
import { drawLine } from '../render/drawLine.js';
import type { HeadPose, Point3 } from '../types/landmarks.js';
import type { FaceResult } from '../types/result.js';
import { centreOf } from './faceGeometry.js';
import { DRAWN_CONTOURS, LEFT_EYE_CONTOUR, NOSE_TIP, RIGHT_EYE_CONTOUR } from './meshContours.js';

const MESH_COLOR: Rgb = [235, 235, 235];
const AXIS_COLORS: readonly Rgb[] = [
  [230, 40, 40],
  [40, 210, 60],
  [50, 110, 255],
];
const RAD = Math.PI / 180;

/** Columns of R = Rx(pitch) * Ry(yaw) * Rz(roll): the head's axes in camera coordinates. */
function headAxes(pose: HeadPose): [number, number, number][] {
  const [a, b, c] = [pose.pitchDeg * RAD, pose.yawDeg * RAD, pose.rollDeg * RAD];
  const [ca, sa, cb, sb, cc, sc] = [
    Math.cos(a),
    Math.sin(a),
    Math.cos(b),
    Math.sin(b),
    Math.cos(c),
    Math.sin(c),
  ];
  const r = [
    [cb * cc, -cb * sc, sb],
    [ca * sc + sa * sb * cc, ca * cc - sa * sb * sc, -sa * cb],
    [sa * sc - ca * sb * cc, sa * cc + ca * sb * sc, ca * cb],
  ] as const;
  return [0, 1, 2].map((j) => [r[0][j] as number, r[1][j] as number, r[2][j] as number]);
}

/** Draws `face`'s mesh contours and pose axes (when it has them) on `image`, in place. */
export function drawFaceMesh(image: RgbImage, face: FaceResult, scale: number): void {
  const points = face.landmarks?.points;
  if (!points) return;
  for (const chain of DRAWN_CONTOURS) {
    for (let i = 1; i < chain.length; i++) {
      const a = points[chain[i - 1] as number] as Point3;
      const b = points[chain[i] as number] as Point3;
      drawLine(image, a.x, a.y, b.x, b.y, MESH_COLOR, scale);
    }
  }
  if (!face.pose) return;
  const origin = points[NOSE_TIP] as Point3;
  const right = centreOf(points, RIGHT_EYE_CONTOUR);
  const left = centreOf(points, LEFT_EYE_CONTOUR);
  const length = Math.hypot(left.x - right.x, left.y - right.y);
  const [x, y, z] = headAxes(face.pose) as [
    [number, number, number],
    [number, number, number],
    [number, number, number],
  ];
  // The face looks along -z (OpenFace's z points away from the camera).
  const axes = [x, y, [-z[0], -z[1], -z[2]]] as const;
  axes.forEach((axis, i) => {
    drawLine(
      image,
      origin.x,
      origin.y,
      origin.x + axis[0] * length,
      origin.y + axis[1] * length,
      AXIS_COLORS[i] as Rgb,
      2 * scale,
    );
  });
}
