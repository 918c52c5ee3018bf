/** Test helper: a frame rotated in-plane about its centre, made with the SDK's bilinear warp. */
import { warpToTensor } from '../../src/detector/alignFace.js';
import type { Frame } from '../../src/types/frame.js';

/** `frame` rotated clockwise (in the image) by `degrees` about its centre, same size; corners black. */
export function rotateFrame(frame: Frame, degrees: number): Frame {
  const { width: w, height: h } = frame;
  const t = (degrees * Math.PI) / 180;
  const a = Math.cos(t);
  const b = Math.sin(t);
  // x' = a x - b y + tx: clockwise on screen (y down) about the centre.
  const transform = { a, b, tx: w / 2 - (a * w) / 2 + (b * h) / 2, ty: h / 2 - (b * w) / 2 - (a * h) / 2 };
  const chw = warpToTensor(frame, transform, {
    inputWidth: w,
    inputHeight: h,
    mean: [0, 0, 0],
    std: [1 / 255, 1 / 255, 1 / 255],
  });
  const data = new Uint8Array(w * h * 3);
  const plane = w * h;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++)
      data[i * 3 + c] = Math.max(0, Math.min(255, Math.round(chw[c * plane + i] as number)));
  }
  return { ...frame, data };
}
