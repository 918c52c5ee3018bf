import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AUModel } from '../src/model/AUModel.js';
import { parseModelCard, readModelCard } from '../src/model/modelCard.js';
import { withMetadata } from './helpers/onnxBytes.js';

const TINY = 'models/auformer-tiny.onnx';
const BLAZEFACE = 'assets/blazeface/face_detection_front_128x128_barracuda.onnx';
const CARD = {
  au_names: JSON.stringify(['AU01', 'AU02']),
  input_size: '[128, 128]',
  mean: '[0.5, 0.5, 0.5]',
  std: '[0.5, 0.5, 0.5]',
  alignment_template: '[[40, 50], [88, 50], [64, 70], [64, 90]]',
};

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auf-model-'));
});

async function tempFile(name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function rejectsWith(promise: Promise<unknown>, code: string, text?: RegExp): Promise<void> {
  await assert.rejects(promise, (e: Error & { code?: string }) => {
    assert.equal(e.code, code, e.message);
    if (text) assert.match(e.message, text);
    return true;
  });
}

/** A deterministic crop with values in a typical normalised range. */
function crop(model: AUModel, seed: number): Float32Array {
  const out = new Float32Array(3 * model.card.inputHeight * model.card.inputWidth);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = (s / 2147483648) * 4 - 2;
  }
  return out;
}

describe('model card', () => {
  it('reads the card of the shipped tiny model', async () => {
    const card = await readModelCard(TINY);
    assert.equal(card.auNames.length, 12);
    assert.deepEqual(card.auNames.slice(0, 3), ['AU01', 'AU02', 'AU04']);
    assert.equal(card.inputWidth, 224);
    assert.equal(card.inputHeight, 224);
    assert.equal(card.alignmentTemplate.length, 4);
    assert.ok(card.alignmentTemplate[0]!.x < card.alignmentTemplate[1]!.x, 'right eye is image-left');
    assert.equal(card.untrained, true);
    assert.equal(card.thresholds.length, 12);
  });

  it('parses metadata appended to any ONNX file, later keys winning', async () => {
    const bytes = withMetadata(await readFile(BLAZEFACE), {
      ...CARD,
      name: 'first',
      thresholds: '[0.3, 0.7]',
    });
    const card = parseModelCard(withMetadata(bytes, { name: 'second' }), 'x.onnx');
    assert.equal(card.name, 'second');
    assert.deepEqual(card.auNames, ['AU01', 'AU02']);
    assert.deepEqual(card.mean, [0.5, 0.5, 0.5]);
    assert.deepEqual(card.alignmentTemplate[3], { x: 64, y: 90 });
    assert.deepEqual(card.thresholds, [0.3, 0.7]);
    assert.equal(card.untrained, false);
  });

  it('names the missing and malformed fields', async () => {
    const plain = await readFile(BLAZEFACE);
    assert.throws(() => parseModelCard(plain, 'bf.onnx'), /AUF_ERR_MODEL_CARD|lacks au_names, input_size/);
    assert.throws(
      () => parseModelCard(withMetadata(plain, { ...CARD, mean: '[1, 2]' }), 'bf.onnx'),
      /'mean' must be an array of 3 numbers/,
    );
    assert.throws(
      () => parseModelCard(withMetadata(plain, { ...CARD, au_names: 'AU01,AU02' }), 'bf.onnx'),
      /'au_names' is not valid JSON/,
    );
  });
});

describe('AUModel.create on bad model files', () => {
  it('missing file', () =>
    rejectsWith(AUModel.create(join(dir, 'nope.onnx')), 'AUF_ERR_MODEL_LOAD', /ENOENT/));
  it('a text file', async () =>
    rejectsWith(AUModel.create(await tempFile('t.onnx', 'hello, not a model\n')), 'AUF_ERR_MODEL_LOAD'));
  it('a truncated model', async () => {
    const bytes = await readFile(TINY);
    await rejectsWith(
      AUModel.create(await tempFile('cut.onnx', bytes.subarray(0, 5000))),
      'AUF_ERR_MODEL_LOAD',
    );
  });
  it('an ONNX model without a card (BlazeFace)', () =>
    rejectsWith(AUModel.create(BLAZEFACE), 'AUF_ERR_MODEL_CARD'));
  it('a card whose input size does not match the graph', async () => {
    const path = await tempFile('bf-card.onnx', withMetadata(await readFile(BLAZEFACE), CARD));
    await rejectsWith(AUModel.create(path), 'AUF_ERR_MODEL_SHAPE', /images/);
  });
  it('a card listing fewer AUs than the head has', async () => {
    const bytes = withMetadata(await readFile(TINY), {
      au_names: JSON.stringify(['AU01', 'AU02']),
      thresholds: '[0.5, 0.5]',
    });
    const model = AUModel.create(await tempFile('8au.onnx', bytes));
    await rejectsWith(model, 'AUF_ERR_MODEL_SHAPE', /12 classes, the card lists 2 AUs/);
  });
  it('invalid options', async () => {
    await assert.rejects(AUModel.create(TINY, { maxBatch: 0 }), {
      code: 'AUF_ERR_INVALID_OPTION',
      name: 'OptionError',
    });
  });
  it('a missing GPU provider, with the install hint', () =>
    rejectsWith(
      AUModel.create(TINY, { executionProviders: ['cuda'] }),
      'AUF_ERR_PROVIDER_UNAVAILABLE',
      /cuda12/,
    ));
});

describe('AUModel batching', () => {
  let single: AUModel;
  let batched: AUModel;
  before(async () => {
    single = await AUModel.create(TINY, { maxBatch: 1 });
    batched = await AUModel.create(TINY, { maxBatch: 16, maxWaitMs: 20 });
  });
  after(async () => {
    await single.dispose();
    await batched.dispose();
  });

  it('gives the same probabilities at batch 1 and batch 16 (within 1e-5)', async () => {
    const crops = Array.from({ length: 16 }, (_, i) => crop(batched, i + 1));
    const one = await Promise.all(crops.map((c) => single.infer(c)));
    const many = await Promise.all(crops.map((c) => batched.infer(c)));
    assert.equal(single.stats.batches, 16);
    assert.equal(batched.stats.recentBatches.at(-1)?.size, 16);
    let maxDiff = 0;
    one.forEach((p, i) => p.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - many[i]![j]!)))));
    assert.ok(maxDiff <= 1e-5, `max diff ${maxDiff}`);
    assert.ok(one.every((p) => p.length === 12 && p.every((v) => v > 0 && v < 1)));
    // Different inputs give different outputs: the model is not constant.
    assert.notDeepEqual(Array.from(one[0]!), Array.from(one[1]!));
  });

  it('puts requests from different callers in one batch and flushes a partial batch after maxWaitMs', async () => {
    const before = batched.stats.batches;
    await Promise.all([batched.infer(crop(batched, 1), 'cam-a'), batched.infer(crop(batched, 2), 'cam-b')]);
    assert.equal(batched.stats.batches, before + 1);
    assert.deepEqual(batched.stats.recentBatches.at(-1)?.tags, ['cam-a', 'cam-b']);
  });

  it('runs inference off the main thread: the event loop keeps turning during a batch', async () => {
    let turns = 0;
    let running = true;
    const spin = (): void => {
      turns++;
      if (running) setImmediate(spin);
    };
    const batch = Promise.all(Array.from({ length: 16 }, (_, i) => batched.infer(crop(batched, i + 100))));
    setImmediate(spin);
    await batch;
    running = false;
    // On the main thread a run blocks the loop for its whole duration (tens of ms): no turns.
    assert.ok(turns > 20, `${turns} event-loop turns during the batch`);
  });

  it('rejects crops of the wrong size', () =>
    rejectsWith(batched.infer(new Float32Array(10)), 'AUF_ERR_MODEL_SHAPE', /3x224x224/));

  it('dispose rejects queued requests and later calls', async () => {
    const model = await AUModel.create(TINY, { maxBatch: 4, maxWaitMs: 10_000 });
    const pending = rejectsWith(model.infer(crop(model, 3)), 'AUF_ERR_MODEL_DISPOSED');
    await model.dispose();
    await pending;
    await rejectsWith(model.infer(crop(model, 3)), 'AUF_ERR_MODEL_DISPOSED');
  });
});
