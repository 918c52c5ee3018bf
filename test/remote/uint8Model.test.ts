/**
 * The uint8-input variant (models/auformer-tiny.uint8.onnx, from `python -m auformer.uint8_input`):
 * on whole-pixel crops it gives the float32 model's outputs within 1e-5 (it normalises in-graph
 * as warpToTensor does); on the sample video, within the documented uint8 tolerance (the input
 * is rounded to whole pixels); served by infer-server it takes UINT8 crops end to end.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lastValueFrom, toArray } from 'rxjs';
import {
  AUModel,
  DEFAULT_MODEL_PATH,
  type FrameResult,
  RemoteAUModel,
  analyze,
  startInferServer,
  uint8CropWriter,
} from '../../src/index.js';
import { cardFromMetadata } from '../../src/model/modelCard.js';
import { SAMPLE_FACES } from '../helpers/media.js';

const UINT8_TOLERANCE = 1e-3; // docs/remote-inference.md
const CROP = 3 * 224 * 224;

const maxDiff = (a: Float32Array, b: Float32Array): number =>
  Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

async function probabilities(model: AUModel | RemoteAUModel): Promise<number[]> {
  const records = await lastValueFrom(analyze(SAMPLE_FACES, { model, source: { fps: 10 } }).pipe(toArray()));
  return records
    .filter((r): r is FrameResult => r.type === 'frame')
    .flatMap((r) => r.faces.flatMap((f) => Object.values(f.aus)));
}

describe('uint8-input model variant', () => {
  let fp32: AUModel;
  let uint8: AUModel;
  before(async () => {
    fp32 = await AUModel.create(DEFAULT_MODEL_PATH);
    uint8 = await AUModel.create(DEFAULT_MODEL_PATH, { variant: 'uint8' });
  });
  after(async () => {
    await fp32.dispose();
    await uint8.dispose();
  });

  it('has input_dtype uint8 in its card and equals float32 on whole-pixel crops (1e-5)', async () => {
    assert.match(uint8.path, /auformer-tiny\.uint8\.onnx$/);
    assert.equal(uint8.card.inputDtype, 'uint8');
    assert.equal(fp32.card.inputDtype, 'float32');
    const props = {
      au_names: '["AU01"]',
      input_size: '[224,224]',
      mean: '[0,0,0]',
      std: '[1,1,1]',
      alignment_template: '[[0,0],[1,0],[0,1],[1,1]]',
    };
    assert.throws(() => cardFromMetadata({ ...props, input_dtype: 'int4' }, 'x'), {
      code: 'AUF_ERR_MODEL_CARD',
      message: /input_dtype/,
    });
    for (const seed of [1, 2, 3]) {
      const pixels = Uint8Array.from({ length: CROP }, (_, i) => (i * seed * 31 + seed) % 256);
      const crop = new Float32Array(CROP);
      uint8CropWriter(pixels, 0, fp32.card)(crop, 0);
      const [a, b] = await Promise.all([fp32.infer(crop), uint8.infer(crop)]);
      assert.ok(maxDiff(a, b) <= 1e-5, `seed ${seed}: ${maxDiff(a, b)}`);
    }
  });

  it('analyzes the sample video within the uint8 tolerance of float32, and serves UINT8 end to end', async () => {
    const [want, got] = [await probabilities(fp32), await probabilities(uint8)];
    assert.equal(got.length, want.length);
    assert.ok(want.length >= 60 * 12);
    const local = Math.max(...got.map((p, i) => Math.abs(p - want[i]!)));
    assert.ok(local > 0 && local <= UINT8_TOLERANCE, `local uint8 variant: ${local}`);

    const server = await startInferServer({
      model: DEFAULT_MODEL_PATH,
      port: 0,
      modelOptions: { variant: 'uint8' },
    });
    const remote = await RemoteAUModel.create(server.modelUrl);
    try {
      const meta = (await (await fetch(server.modelUrl)).json()) as { inputs: { datatype: string }[] };
      assert.equal(meta.inputs[0]!.datatype, 'UINT8');
      assert.equal(remote.datatype, 'UINT8');
      const served = await probabilities(remote);
      // Same pixels reach the same graph: equal to the local uint8 variant, not just close.
      assert.ok(Math.max(...served.map((p, i) => Math.abs(p - got[i]!))) <= 1e-5);
    } finally {
      await remote.dispose();
      await server.close();
    }
  });
});
