/**
 * `analyze` of the sample video through `auformer infer-server` (real HTTP on 127.0.0.1) gives
 * the AU values of a local `AUModel`: within 1e-5 with FP32 crops, within the documented uint8
 * tolerance (docs/remote-inference.md) with UINT8 crops; `AUModel.create(url)` opens it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lastValueFrom, toArray } from 'rxjs';
import {
  AUModel,
  DEFAULT_MODEL_PATH,
  type FrameResult,
  type InferServer,
  RemoteAUModel,
  analyze,
  startInferServer,
} from '../../src/index.js';
import { SAMPLE_FACES } from '../helpers/media.js';

/** The UINT8 tolerance docs/remote-inference.md states for the tiny model (measured 5.9e-5 here). */
const UINT8_TOLERANCE = 1e-3;

async function frames(model: AUModel | RemoteAUModel): Promise<FrameResult[]> {
  const records = await lastValueFrom(analyze(SAMPLE_FACES, { model }).pipe(toArray()));
  return records.filter((r): r is FrameResult => r.type === 'frame');
}

function maxDifference(a: FrameResult[], b: FrameResult[]): { max: number; faces: number } {
  assert.equal(a.length, b.length, 'same frame count');
  let max = 0;
  let faces = 0;
  a.forEach((r, i) => {
    assert.equal(r.faces.length, b[i]!.faces.length, `frame ${i}: same faces`);
    r.faces.forEach((face, j) => {
      faces++;
      for (const [au, p] of Object.entries(face.aus))
        max = Math.max(max, Math.abs(p - b[i]!.faces[j]!.aus[au]!));
    });
  });
  return { max, faces };
}

describe('analyze through infer-server', () => {
  let server: InferServer;
  let localResults: FrameResult[];
  before(async () => {
    server = await startInferServer({ model: DEFAULT_MODEL_PATH, port: 0, modelOptions: { maxBatch: 8 } });
    const local = await AUModel.create(DEFAULT_MODEL_PATH, { maxBatch: 8 });
    localResults = await frames(local);
    await local.dispose();
  });
  after(() => server.close());

  it('FP32 crops: the same AU values as a local AUModel within 1e-5', async () => {
    const remote = await AUModel.create(server.url, { datatype: 'FP32', maxBatch: 8 });
    try {
      assert.ok(remote instanceof RemoteAUModel);
      assert.equal(remote.card.name, 'auformer-tiny');
      assert.deepEqual(remote.card.auNames, server.model.card.auNames);
      const { max, faces } = maxDifference(await frames(remote), localResults);
      assert.ok(faces >= 170, `${faces} faces compared`);
      assert.ok(max <= 1e-5, `max difference ${max}`);
      assert.ok(remote.stats.batches < faces, 'crops travelled in batches');
    } finally {
      await remote.dispose();
    }
  });

  it('UINT8 crops (the default with infer-server): within the documented tolerance', async () => {
    const remote = await AUModel.create(server.modelUrl, { maxBatch: 8 });
    try {
      assert.equal(remote.datatype, 'UINT8');
      const { max, faces } = maxDifference(await frames(remote), localResults);
      assert.ok(faces >= 170);
      assert.ok(max <= UINT8_TOLERANCE, `max difference ${max}`);
      assert.ok(max > 0, 'uint8 rounding moves the values a little (else the test proves nothing)');
      console.log(`uint8 max |dp| = ${max.toExponential(2)} over ${faces} faces`);
    } finally {
      await remote.dispose();
    }
  });
});
