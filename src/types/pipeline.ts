import type { Face, Similarity } from './face.js';
import type { Frame } from './frame.js';

/** A frame with the faces found in it (output of `detectFaces`, `trackFaces`). */
export interface FrameFaces {
  readonly frame: Frame;
  readonly faces: readonly Face[];
}

/** A face warped to the model input, ready for inference. */
export interface AlignedFace {
  readonly face: Face;
  /** Frame pixels -> crop pixels; invert it to map crop positions back to the frame. */
  readonly transform: Similarity;
  /**
   * Normalised CHW float32 crop (`3 * inputHeight * inputWidth`), mean/std applied. From
   * `alignFaces` it is computed on first read (then cached), from the frame's pixels: `inferAUs`
   * never reads it, it warps the face straight into the model's batch tensor.
   */
  readonly crop: Float32Array;
}

/** A frame with its aligned faces (output of `alignFaces`). */
export interface AlignedFrame {
  readonly frame: Frame;
  readonly faces: readonly AlignedFace[];
}
