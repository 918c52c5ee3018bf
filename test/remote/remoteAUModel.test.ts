/**
 * RemoteAUModel's contract: URLs it takes, typed errors for a closed port, a missing token, a
 * wrong model name or crop size, disposal; and micro-batches with several requests in flight.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  AUModel,
  DEFAULT_MODEL_PATH,
  type InferServer,
  ModelError,
  RemoteAUModel,
  startInferServer,
} from '../../src/index.js';
import { MicroBatcher } from '../../src/model/microBatcher.js';
import { decodeInferResponse } from '../../src/remote/inferExchange.js';
import { parseModelLocation } from '../../src/remote/remoteUrl.js';

const crop = new Float32Array(3 * 224 * 224);

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => probe.once('listening', r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

async function rejectsWith(pending: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(pending, (error: ModelError) => {
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('RemoteAUModel', () => {
  let server: InferServer;
  before(async () => {
    server = await startInferServer({ model: DEFAULT_MODEL_PATH, port: 0, token: 'tok' });
  });
  after(() => server.close());

  it('parses server and model URLs; anything else is an OptionError', () => {
    assert.deepEqual(parseModelLocation('http://gpu-1:8000'), {
      base: 'http://gpu-1:8000',
      name: undefined,
      version: undefined,
    });
    assert.deepEqual(parseModelLocation('https://h/v2/models/au%20x/versions/2'), {
      base: 'https://h',
      name: 'au x',
      version: '2',
    });
    for (const bad of [
      'gpu-1:8000',
      'ftp://h/',
      'http://h/v2/models',
      'http://h/v2/models/a/infer',
      'http://u:p@h/',
      'http://h/?x=1',
    ]) {
      assert.throws(() => parseModelLocation(bad), { code: 'AUF_ERR_INVALID_OPTION' }, bad);
    }
  });

  it('connects with the token, reads the card, and is what AUModel.create gives for a URL', async () => {
    const model = await AUModel.create(server.url, { token: 'tok', maxBatch: 64 });
    try {
      assert.ok(model instanceof RemoteAUModel);
      assert.equal(model.maxBatch, 16, "capped by the server's max_batch_size");
      assert.deepEqual(model.card, server.model.card);
      assert.equal((await model.infer(crop)).length, 12);
      await rejectsWith(model.infer(new Float32Array(10)), 'AUF_ERR_MODEL_SHAPE');
      const queued = model.infer(crop);
      await model.dispose();
      await queued.then(
        () => undefined,
        (error: ModelError) => assert.equal(error.code, 'AUF_ERR_MODEL_DISPOSED'),
      );
      await rejectsWith(model.infer(crop), 'AUF_ERR_MODEL_DISPOSED');
    } finally {
      await model.dispose();
    }
  });

  it('fails with typed errors: no token, wrong model, closed port, bad options', async () => {
    await rejectsWith(RemoteAUModel.create(server.url), 'AUF_ERR_REMOTE_AUTH', /401/);
    await rejectsWith(
      RemoteAUModel.create(`${server.url}/v2/models/nope`, { token: 'tok' }),
      'AUF_ERR_REMOTE_PROTOCOL',
      /404/,
    );
    const started = Date.now();
    await rejectsWith(
      RemoteAUModel.create(`http://127.0.0.1:${await freePort()}`, { timeoutMs: 1000 }),
      'AUF_ERR_REMOTE_UNREACHABLE',
      /ECONNREFUSED/,
    );
    assert.ok(Date.now() - started < 4000);
    await assert.rejects(RemoteAUModel.create(server.url, { maxInFlight: 0 }), {
      code: 'AUF_ERR_INVALID_OPTION',
    });
    await assert.rejects(RemoteAUModel.create([]), { code: 'AUF_ERR_INVALID_OPTION' });
  });

  it('refuses endpoints that serve different models (AUF_ERR_MODEL_CARD)', async () => {
    // A server that says it serves version 9 of the same model, and forwards nothing else.
    const meta = (await (
      await fetch(server.modelUrl, { headers: { authorization: 'Bearer tok' } })
    ).json()) as {
      parameters: Record<string, string>;
    };
    const other = createHttpServer((req, res) => {
      const body =
        req.url === '/v2/models/auformer-tiny'
          ? { ...meta, parameters: { ...meta.parameters, version: '9' } }
          : {};
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }).listen(0, '127.0.0.1');
    await new Promise((r) => other.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(other.address() as { port: number }).port}/v2/models/auformer-tiny`;
      await rejectsWith(
        RemoteAUModel.create([server.modelUrl, url], { token: 'tok' }),
        'AUF_ERR_MODEL_CARD',
        /different models/,
      );
    } finally {
      other.closeAllConnections();
      other.close();
    }
  });

  it('decodes JSON and binary logits, and calls any other answer a protocol error', () => {
    const answer = (json: unknown, binary?: Uint8Array) => {
      const text = Buffer.from(JSON.stringify(json));
      const headers = new Headers(binary ? { 'inference-header-content-length': String(text.length) } : {});
      return {
        status: 200,
        headers,
        body: new Uint8Array(Buffer.concat([text, binary ?? new Uint8Array()])),
      };
    };
    const logits = { name: 'logits', datatype: 'FP32', shape: [2, 2] };
    const json = decodeInferResponse(
      answer({
        outputs: [
          {
            ...logits,
            data: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      }),
      2,
      2,
      'x',
    );
    assert.deepEqual(Array.from(json), [1, 2, 3, 4]);
    const bytes = new Uint8Array(Float32Array.from([5, 6, 7, 8]).buffer);
    const other = { name: 'other', datatype: 'FP32', shape: [1], parameters: { binary_data_size: 3 } };
    const withOther = answer(
      { outputs: [other, { ...logits, parameters: { binary_data_size: 16 } }] },
      new Uint8Array([9, 9, 9, ...bytes]),
    );
    assert.deepEqual(
      Array.from(decodeInferResponse(withOther, 2, 2, 'x')),
      [5, 6, 7, 8],
      'binary outputs in header order, unaligned',
    );
    for (const bad of [
      {},
      { outputs: [{ ...logits, shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }] },
      { outputs: [{ ...logits, datatype: 'FP16', data: [1, 2, 3, 4] }] },
      { outputs: [{ ...logits, data: [1, 2] }] },
    ]) {
      assert.throws(
        () => decodeInferResponse(answer(bad), 2, 2, 'x'),
        { code: 'AUF_ERR_REMOTE_PROTOCOL' },
        JSON.stringify(bad),
      );
    }
  });

  it('keeps up to maxInFlight batches running at once, never more', async () => {
    let running = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    // A long wait: only full batches run, so the count of batches is exact.
    const batcher = new MicroBatcher(
      2,
      10_000,
      1,
      async (tensor, count) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => release.push(r));
        running--;
        return { results: Array.from({ length: count }, () => new Float32Array(1)), tensor };
      },
      3,
    );
    const all = Promise.all(Array.from({ length: 12 }, (_, i) => batcher.submit((t, o) => (t[o] = i), 'x')));
    await new Promise((r) => setImmediate(r));
    assert.equal(running, 3, 'three batches of two on the wire, the rest queued');
    while (release.length > 0 || running > 0) {
      release.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await all;
    assert.equal(peak, 3);
    assert.equal(batcher.stats.batches, 6);
  });
});
