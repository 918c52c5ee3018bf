/**
 * The converted face landmark ONNX (assets/facemesh, scripts/vendor-mediapipe.sh) against the
 * TFJS copy of the same weights run by @tensorflow/tfjs, on real face crops of three repo photos
 * (each detected face's MediaPipe ROI, warped as the SDK warps it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as tf from '@tensorflow/tfjs';
import { warpToTensor } from '../../src/detector/alignFace.js';
import { FaceDetector } from '../../src/detector/FaceDetector.js';
import { FACE_MESH_MODEL } from '../../src/landmarks/faceMeshAssets.js';
import { roiFromDetection, roiTransform } from '../../src/landmarks/faceRoi.js';
import { openSession, type WorkerSession } from '../../src/model/openSession.js';
import { loadImage, photoPath } from '../detectorPhotos.js';
import { chwToHwc, loadTfjsModel, runTfjs } from './tfjsReference.js';

const SIZE = 192;
const CROP = { inputWidth: SIZE, inputHeight: SIZE, mean: [0, 0, 0], std: [1, 1, 1] } as const;
let detector: FaceDetector;
let onnx: WorkerSession;
let reference: tf.GraphModel;

before(async () => {
  detector = await FaceDetector.create({ model: 'back' });
  onnx = await openSession(FACE_MESH_MODEL, { intraOpThreads: 1 });
  reference = await loadTfjsModel('facemesh');
});
after(async () => {
  await detector.dispose();
  await onnx.release();
  reference.dispose();
});

describe('face_landmark.onnx parity with the TFJS model', () => {
  for (const photo of ['sample1.jpg', 'sample3.jpg', 'sample4.jpg']) {
    it(`${photo}: every face's 468 points within 0.01 px, presence within 1e-4`, async () => {
      const frame = await loadImage(photoPath(photo));
      const faces = await detector.detect(frame);
      assert.ok(faces.length >= 3, `${photo}: ${faces.length} faces`);
      for (const face of faces) {
        const chw = warpToTensor(frame, roiTransform(roiFromDetection(face), SIZE), CROP);
        const out = await onnx.run({ input_1: { data: chw, dims: [1, 3, SIZE, SIZE] } });
        const mesh = out['conv2d_21:out']?.data as Float32Array;
        const logit = out['conv2d_31:out']?.data[0] as number;
        const [refMesh, refPresence] = runTfjs(reference, chwToHwc(chw, SIZE), SIZE, [
          'Identity_2:0',
          'Identity_1:0',
        ]) as [Float32Array, Float32Array];
        assert.equal(mesh.length, 1404);
        let maxDiff = 0;
        for (let i = 0; i < 1404; i++)
          maxDiff = Math.max(maxDiff, Math.abs((mesh[i] as number) - (refMesh[i] as number)));
        assert.ok(maxDiff <= 0.01, `${photo}: max |diff| ${maxDiff} px`);
        // The TFJS graph applies the sigmoid; the TFLite (and ONNX) output is the logit.
        const presence = 1 / (1 + Math.exp(-logit));
        assert.ok(
          Math.abs(presence - (refPresence[0] as number)) < 1e-4,
          `presence ${presence} vs ${refPresence[0]}`,
        );
        assert.ok(presence > 0.9, `${photo}: a detected face has presence ${presence}`);
      }
    });
  }
});
