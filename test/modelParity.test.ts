/**
 * The shipped tiny AUFormer (models/auformer-tiny.onnx, exported by model/auformer/export.py)
 * must reproduce the PyTorch logits stored in its parity fixture when run by onnxruntime-node.
 * Regenerate both with: cd model && /usr/bin/python3 -m auformer.export --preset tiny --demo
 * --out ../models/auformer-tiny.onnx
 */
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { openSession } from '../src/model/openSession.js';

interface ParityFixture {
  readonly input_shape: readonly number[];
  readonly input_b64: string;
  readonly logits_b64: string;
  readonly tolerance: number;
}

const MODEL = fileURLToPath(new URL('../models/auformer-tiny.onnx', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../models/auformer-tiny.parity.json', import.meta.url));

function float32FromBase64(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

async function loadFixture(): Promise<ParityFixture> {
  return JSON.parse(await readFile(FIXTURE, 'utf8')) as ParityFixture;
}

test('tiny AUFormer: onnxruntime-node reproduces the PyTorch logits within the fixture tolerance', async () => {
  const fixture = await loadFixture();
  assert.deepEqual(fixture.input_shape, [2, 3, 224, 224]);
  assert.ok(fixture.tolerance <= 1e-4, `fixture tolerance ${fixture.tolerance} is looser than 1e-4`);
  const input = float32FromBase64(fixture.input_b64);
  const want = float32FromBase64(fixture.logits_b64);
  assert.equal(input.length, 2 * 3 * 224 * 224);
  assert.equal(want.length, 2 * 12);

  const session = await openSession(MODEL);
  try {
    assert.deepEqual(session.inputNames, ['images']);
    assert.deepEqual(session.outputNames, ['logits']);
    const out = await session.run({ images: { data: input, dims: fixture.input_shape } });
    const logits = out['logits'];
    assert.ok(logits, 'model has no logits output');
    assert.deepEqual([...logits.dims], [2, 12]);
    let maxAbsDiff = 0;
    for (let i = 0; i < want.length; i++)
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(logits.data[i]! - want[i]!));
    assert.ok(maxAbsDiff <= 1e-4, `max abs diff ${maxAbsDiff} > 1e-4`);
    // The two samples differ, so a model that ignored its input would fail here.
    assert.ok(Math.abs(want[0]! - want[12]!) > 1e-6, 'fixture logits do not depend on the input');
  } finally {
    await session.release();
  }
});

test('tiny AUFormer: the batch axis is dynamic (batch of 1 and 3 give the same per-sample logits)', async () => {
  const fixture = await loadFixture();
  const input = float32FromBase64(fixture.input_b64);
  const want = float32FromBase64(fixture.logits_b64);
  const per = 3 * 224 * 224;
  const session = await openSession(MODEL);
  try {
    const one = await session.run({ images: { data: input.slice(per, 2 * per), dims: [1, 3, 224, 224] } });
    assert.deepEqual([...one['logits']!.dims], [1, 12]);
    const three = new Float32Array(3 * per);
    three.set(input.subarray(0, per), 0);
    three.set(input.subarray(per, 2 * per), per);
    three.set(input.subarray(0, per), 2 * per);
    const out = await session.run({ images: { data: three, dims: [3, 3, 224, 224] } });
    assert.deepEqual([...out['logits']!.dims], [3, 12]);
    for (let j = 0; j < 12; j++) {
      assert.ok(Math.abs(one['logits']!.data[j]! - want[12 + j]!) <= 1e-4, `batch-1 AU ${j}`);
      assert.ok(Math.abs(out['logits']!.data[24 + j]! - want[j]!) <= 1e-4, `batch-3 sample 2 AU ${j}`);
    }
  } finally {
    await session.release();
  }
});
