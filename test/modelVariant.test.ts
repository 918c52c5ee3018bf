import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AUModel } from '../src/model/AUModel.js';
import { variantPath } from '../src/model/modelVariant.js';

const TINY = 'models/auformer-tiny.onnx';

let dir: string;
let fp32Path: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auf-variant-'));
  fp32Path = join(dir, 'tiny.onnx');
  await copyFile(TINY, fp32Path);
  // the real int8 variant, made by model/'s quantizer
  execFileSync('/usr/bin/python3', ['-m', 'auformer.quantize', fp32Path, join(dir, 'tiny.int8.onnx')], {
    cwd: 'model',
    stdio: 'ignore',
  });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function crop(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.sin(i * 0.37 + seed) * 0.8;
  return out;
}

describe('model variants', () => {
  it('variantPath names the file next to the fp32 model', () => {
    assert.equal(variantPath('m/vit-b16.onnx', 'int8'), 'm/vit-b16.int8.onnx');
    assert.equal(variantPath('m/vit-b16.onnx', 'fp16'), 'm/vit-b16.fp16.onnx');
    assert.equal(variantPath('m/vit-b16.onnx', 'fp32'), 'm/vit-b16.onnx');
    assert.throws(() => variantPath('m/model.bin', 'int8'), {
      code: 'AUF_ERR_INVALID_OPTION',
      message: /\.onnx/,
    });
  });

  it("AUModel.create(path, { variant: 'int8' }) loads the quantized file; outputs stay close to fp32", async () => {
    const fp32 = await AUModel.create(fp32Path, { maxWaitMs: 0 });
    const int8 = await AUModel.create(fp32Path, { maxWaitMs: 0, variant: 'int8' });
    try {
      assert.equal(int8.path, join(dir, 'tiny.int8.onnx'));
      assert.deepEqual(int8.card.auNames, fp32.card.auNames); // the card survived quantization
      const x = crop(3 * fp32.card.inputHeight * fp32.card.inputWidth, 1);
      const [a, b] = await Promise.all([fp32.infer(x), int8.infer(x)]);
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
      assert.ok(maxDiff > 0, 'the int8 graph must really run (identical outputs mean fp32 was loaded)');
      assert.ok(maxDiff < 0.02, `int8 differs from fp32 by ${maxDiff}`);
    } finally {
      await fp32.dispose();
      await int8.dispose();
    }
  });

  it('a missing variant says how to create it; an unknown one is an OptionError', async () => {
    await assert.rejects(AUModel.create(fp32Path, { variant: 'fp16' }), {
      code: 'AUF_ERR_MODEL_LOAD',
      message: /tiny\.fp16\.onnx.*--fp16/s,
    });
    await assert.rejects(AUModel.create(fp32Path, { variant: 'int4' as 'int8' }), {
      code: 'AUF_ERR_INVALID_OPTION',
      message: /variant must be one of fp32, int8, fp16/,
    });
  });
});
