/**
 * Paths of the vendored BlazeFace ONNX files (assets/blazeface, Apache-2.0, see its README).
 * Resolved from this module's location, so they work from `src/` (tsx) and from `dist/`.
 */
import { fileURLToPath } from 'node:url';
import { FULL_RANGE_DETECTOR_MODEL } from '../landmarks/faceMeshAssets.js';

/**
 * `front`: 128x128 short-range model (faces filling much of the input); `back`: 256x256;
 * `full`: MediaPipe's 192x192 full-range model (small and distant faces, up to about 5 m;
 * assets/facemesh, converted by scripts/vendor-mediapipe.sh).
 */
export type BlazeFaceModelName = 'front' | 'back' | 'full';

const ASSETS = new URL('../../assets/blazeface/', import.meta.url);

/** Absolute paths of the vendored models by name. */
export const BLAZEFACE_MODELS: Readonly<Record<BlazeFaceModelName, string>> = {
  front: fileURLToPath(new URL('face_detection_front_128x128_barracuda.onnx', ASSETS)),
  back: fileURLToPath(new URL('face_detection_back_256x256_barracuda.onnx', ASSETS)),
  full: FULL_RANGE_DETECTOR_MODEL,
};
