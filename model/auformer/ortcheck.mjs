// Parity check with onnxruntime-node (used when Python's onnxruntime is not installed):
// node ortcheck.mjs model.onnx model.parity.json  ->  {"max_abs_diff": ..., "dims": [...]}
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const [modelPath, parityPath] = process.argv.slice(2);
const fixture = JSON.parse(readFileSync(parityPath, 'utf8'));
const f32 = (b64) => {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};
const session = await ort.InferenceSession.create(modelPath, { logSeverityLevel: 3 });
const out = await session.run({ images: new ort.Tensor('float32', f32(fixture.input_b64), fixture.input_shape) });
const logits = out.logits;
const want = f32(fixture.logits_b64);
let maxAbsDiff = logits.data.length === want.length ? 0 : Infinity;
for (let i = 0; i < want.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(logits.data[i] - want[i]));
await session.release();
console.log(JSON.stringify({ max_abs_diff: maxAbsDiff, dims: logits.dims }));
