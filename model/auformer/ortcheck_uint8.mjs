// Parity of a uint8-input variant with its fp32 model, in onnxruntime-node (no Python onnxruntime here):
// node ortcheck_uint8.mjs model.onnx model.uint8.onnx '{"mean":[..],"std":[..],"input_size":[h,w]}'
//   ->  {"max_abs_diff": ..., "dims": [...]}   (the card values as the model's metadata has them)
// Both get the same seeded whole-pixel crops: the fp32 model normalised here as the SDK does
// ((pixel / 255 - mean) / std), the uint8 model the raw pixels.
import * as ort from 'onnxruntime-node';

const [fp32Path, uint8Path, cardJson] = process.argv.slice(2);
const { mean, std, input_size: [h, w] } = JSON.parse(cardJson);
const n = 2;
const plane = h * w;
const pixels = new Uint8Array(n * 3 * plane);
let s = 12345;
for (let i = 0; i < pixels.length; i++) pixels[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
const floats = new Float32Array(pixels.length);
for (let i = 0; i < pixels.length; i++) {
  const c = Math.floor(i / plane) % 3;
  floats[i] = pixels[i] * (1 / (255 * std[c])) + -mean[c] / std[c];
}
const run = async (path, tensor) => {
  const session = await ort.InferenceSession.create(path, { logSeverityLevel: 3 });
  const out = (await session.run({ images: tensor })).logits;
  await session.release();
  return out;
};
const want = await run(fp32Path, new ort.Tensor('float32', floats, [n, 3, h, w]));
const got = await run(uint8Path, new ort.Tensor('uint8', pixels, [n, 3, h, w]));
let maxAbsDiff = got.data.length === want.data.length ? 0 : Infinity;
for (let i = 0; i < want.data.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(got.data[i] - want.data[i]));
console.log(JSON.stringify({ max_abs_diff: maxAbsDiff, dims: got.dims }));
