/**
 * Paths of the MediaPipe files vendored in assets/facemesh (Apache-2.0, converted to ONNX by
 * scripts/vendor-mediapipe.sh; see assets/facemesh/README.md). Resolved from this module, so
 * they work from `src/` (tsx) and from `dist/`.
 */
import { fileURLToPath } from 'node:url';

const ASSETS = new URL('../../assets/facemesh/', import.meta.url);

/** The 468-point face landmark model: input NCHW [batch, 3, 192, 192] RGB in [0, 1]. */
export const FACE_MESH_MODEL = fileURLToPath(new URL('face_landmark.onnx', ASSETS));
/** The full-range face detector: input NHWC [batch, 192, 192, 3] RGB in [-1, 1], 2304 anchors. */
export const FULL_RANGE_DETECTOR_MODEL = fileURLToPath(new URL('face_detection_full_range.onnx', ASSETS));
/** MediaPipe's canonical face model (vertices in cm, y up) and its Procrustes weights, as JSON. */
export const CANONICAL_FACE_MODEL = fileURLToPath(new URL('canonical_face_model.json', ASSETS));
