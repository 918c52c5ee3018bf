/**
 * Named contours of MediaPipe's 468-point mesh (the index lists of MediaPipe's
 * FACEMESH_* connection sets, as ordered chains). Used to draw the mesh, to find the eye centres,
 * and to derive the 68-point map (ibug68.ts).
 */

/** Face outline, clockwise in the image from the top of the forehead (10) over the subject's left. */
export const FACE_OVAL = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149,
  150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
] as const;
/** Subject's right eye (image left): upper lid outer (33) to inner corner (133), then the lower lid back. */
export const RIGHT_EYE_UPPER = [33, 246, 161, 160, 159, 158, 157, 173, 133] as const;
export const RIGHT_EYE_LOWER = [133, 155, 154, 153, 145, 144, 163, 7, 33] as const;
/** Subject's left eye: upper lid inner (362) to outer corner (263), then the lower lid back. */
export const LEFT_EYE_UPPER = [362, 398, 384, 385, 386, 387, 388, 466, 263] as const;
export const LEFT_EYE_LOWER = [263, 249, 390, 373, 374, 380, 381, 382, 362] as const;
/** Upper edge of each brow, from the image-left end to the image-right end. */
export const RIGHT_BROW = [70, 63, 105, 66, 107] as const;
export const LEFT_BROW = [336, 296, 334, 293, 300] as const;
/** Outer lip line: right corner (61) over the upper lip to the left corner (291), back under the lower lip. */
export const OUTER_LIPS_UPPER = [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291] as const;
export const OUTER_LIPS_LOWER = [291, 375, 321, 405, 314, 17, 84, 181, 91, 146, 61] as const;
/** Inner lip line, the same way round from the right corner (78) to the left (308). */
export const INNER_LIPS_UPPER = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308] as const;
export const INNER_LIPS_LOWER = [308, 324, 318, 402, 317, 14, 87, 178, 88, 95, 78] as const;
/** Nose ridge from between the eyes (168) to the tip (4, the most protruding point of the canonical face), and the nostril base right to left. */
export const NOSE_RIDGE = [168, 6, 197, 195, 5, 4] as const;
export const NOSE_BASE = [98, 97, 2, 326, 327] as const;

export const RIGHT_EYE_OUTER_CORNER = 33;
export const LEFT_EYE_OUTER_CORNER = 263;

/** Every point of each eye's contour (the corners once). */
export const RIGHT_EYE_CONTOUR = [...RIGHT_EYE_UPPER, ...RIGHT_EYE_LOWER.slice(1, -1)];
export const LEFT_EYE_CONTOUR = [...LEFT_EYE_UPPER, ...LEFT_EYE_LOWER.slice(1, -1)];

/** Chains drawn by the annotated video and the dashboard. */
export const DRAWN_CONTOURS: readonly (readonly number[])[] = [
  [...FACE_OVAL, FACE_OVAL[0]],
  [...RIGHT_EYE_UPPER, ...RIGHT_EYE_LOWER.slice(1)],
  [...LEFT_EYE_UPPER, ...LEFT_EYE_LOWER.slice(1)],
  RIGHT_BROW,
  LEFT_BROW,
  [...OUTER_LIPS_UPPER, ...OUTER_LIPS_LOWER.slice(1)],
  [...INNER_LIPS_UPPER, ...INNER_LIPS_LOWER.slice(1)],
  NOSE_RIDGE,
  NOSE_BASE,
];

/** Mesh indices MediaPipe uses for the nose tip and the mouth centre (inner lips' midpoints). */
export const NOSE_TIP = 4;
export const MOUTH_CENTRE = [13, 14] as const;
