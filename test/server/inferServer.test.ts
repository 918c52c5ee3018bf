/**
 * auformer infer-server against requests built by hand from the KServe v2 specification and
 * Triton's binary tensor extension (no RemoteAUModel involved): metadata, health, JSON and
 * binary infer answered with the local model's logits, and malformed, wrong-shape, wrong-dtype,
 * oversized and unauthorised requests refused with an error body while the server keeps serving.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { AUModel, DEFAULT_MODEL_PATH, type InferServer, startInferServer } from '../../src/index.js';

const TOKEN = 'secret-token';
const CROP = 3 * 224 * 224;
const auth = { authorization: `Bearer ${TOKEN}` };

/** A deterministic normalised crop, different per seed. */
function crop(seed: number): Float32Array {
  return Float32Array.from({ length: CROP }, (_, i) => Math.sin(i * 0.01 + seed) * 0.8);
}

function binaryBody(header: unknown, data: Uint8Array): { body: Buffer; length: number } {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, data]), length: json.length };
}

describe('infer-server speaks KServe v2', () => {
  let server: InferServer;
  let local: AUModel;
  let infer: string;
  before(async () => {
    server = await startInferServer({
      model: DEFAULT_MODEL_PATH,
      port: 0,
      token: TOKEN,
      maxBodyBytes: 8 * 1024 * 1024,
      modelOptions: { maxBatch: 4 },
    });
    local = await AUModel.create(DEFAULT_MODEL_PATH, { output: 'logits' });
    infer = `${server.modelUrl}/infer`;
  });
  after(async () => {
    await server.close();
    await local.dispose();
  });

  it('answers health, server and model metadata with the card in parameters', async () => {
    assert.equal((await fetch(`${server.url}/v2/health/live`)).status, 200);
    assert.equal((await fetch(`${server.url}/v2/health/ready`)).status, 200, 'health needs no token');
    assert.equal((await fetch(`${server.modelUrl}`)).status, 401, 'metadata needs the token');
    const meta = (await (await fetch(server.modelUrl, { headers: auth })).json()) as Record<string, unknown>;
    assert.equal(meta['name'], 'auformer-tiny');
    assert.deepEqual(meta['inputs'], [{ name: 'images', datatype: 'FP32', shape: [-1, 3, 224, 224] }]);
    assert.deepEqual(meta['outputs'], [{ name: 'logits', datatype: 'FP32', shape: [-1, 12] }]);
    const params = meta['parameters'] as Record<string, string>;
    assert.deepEqual(JSON.parse(params['au_names']!), local.card.auNames);
    assert.equal(params['max_batch_size'], '4');
    assert.equal((await fetch(`${server.modelUrl}/ready`, { headers: auth })).status, 200);
    assert.equal((await fetch(`${server.url}/v2/models/other/ready`, { headers: auth })).status, 404);
    const index = await fetch(`${server.url}/v2/repository/index`, { method: 'POST', headers: auth });
    assert.deepEqual(await index.json(), [{ name: 'auformer-tiny', version: '1', state: 'READY' }]);
  });

  it('answers a JSON infer request with JSON logits equal to the local model', async () => {
    const c = crop(1);
    const response = await fetch(infer, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'r1',
        inputs: [{ name: 'images', shape: [1, 3, 224, 224], datatype: 'FP32', data: Array.from(c) }],
      }),
    });
    assert.equal(response.status, 200);
    const json = (await response.json()) as {
      id: string;
      outputs: { name: string; shape: number[]; data: number[] }[];
    };
    assert.equal(json.id, 'r1');
    assert.deepEqual([json.outputs[0]!.name, json.outputs[0]!.shape], ['logits', [1, 12]]);
    const want = await local.infer(c);
    json.outputs[0]!.data.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-5, `logit ${i}`));
  });

  it('answers binary FP32 and UINT8 requests with binary logits (Inference-Header-Content-Length)', async () => {
    const crops = [crop(2), crop(3)];
    const data = new Uint8Array(CROP * 2 * 4);
    new Float32Array(data.buffer).set(crops[0]!, 0);
    new Float32Array(data.buffer).set(crops[1]!, CROP);
    const header = {
      inputs: [
        {
          name: 'images',
          shape: [2, 3, 224, 224],
          datatype: 'FP32',
          parameters: { binary_data_size: data.length },
        },
      ],
      outputs: [{ name: 'logits', parameters: { binary_data: true } }],
    };
    const { body, length } = binaryBody(header, data);
    const response = await fetch(infer, {
      method: 'POST',
      headers: { ...auth, 'inference-header-content-length': String(length) },
      body,
    });
    assert.equal(response.status, 200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const headerLength = Number(response.headers.get('inference-header-content-length'));
    const json = JSON.parse(Buffer.from(bytes.subarray(0, headerLength)).toString()) as {
      outputs: { parameters: { binary_data_size: number } }[];
    };
    assert.equal(json.outputs[0]!.parameters.binary_data_size, 2 * 12 * 4);
    const logits = new Float32Array(bytes.slice(headerLength).buffer);
    const want = [await local.infer(crops[0]!), await local.infer(crops[1]!)];
    logits.forEach((v, i) =>
      assert.ok(Math.abs(v - want[Math.floor(i / 12)]![i % 12]!) < 1e-5, `logit ${i}`),
    );

    // UINT8 pixels: the server normalises them with the card's mean/std (0.5, 0.5 here).
    const pixels = Uint8Array.from({ length: CROP }, (_, i) => (i * 7) % 256);
    const u8 = binaryBody(
      {
        inputs: [
          {
            name: 'images',
            shape: [1, 3, 224, 224],
            datatype: 'UINT8',
            parameters: { binary_data_size: CROP },
          },
        ],
      },
      pixels,
    );
    const answer = await fetch(infer, {
      method: 'POST',
      headers: { ...auth, 'inference-header-content-length': String(u8.length) },
      body: u8.body,
    });
    const out = (await answer.json()) as { outputs: { data: number[] }[] };
    const expected = await local.infer(Float32Array.from(pixels, (p) => (p / 255 - 0.5) / 0.5));
    out.outputs[0]!.data.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-5, `uint8 logit ${i}`));
  });

  it('refuses malformed headers, wrong shapes and dtypes (400), big bodies (413), no token (401), and keeps serving', async () => {
    const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
      fetch(infer, { method: 'POST', headers: { ...auth, ...headers }, body });
    const input = (over: Record<string, unknown>) =>
      JSON.stringify({
        inputs: [{ name: 'images', shape: [1, 3, 224, 224], datatype: 'FP32', data: [0], ...over }],
      });
    const cases: [string, Promise<Response>, number, RegExp][] = [
      ['not JSON', post('{"inputs": ['), 400, /not valid JSON/],
      [
        'header length past the body',
        post('{}', { 'inference-header-content-length': '999' }),
        400,
        /Inference-Header-Content-Length/,
      ],
      ['no inputs', post('{}'), 400, /'inputs'/],
      ['wrong shape', post(input({ shape: [1, 3, 112, 112] })), 400, /shape \[1,3,112,112\]/],
      ['over max_batch_size', post(input({ shape: [5, 3, 224, 224] })), 400, /max_batch_size is 4/],
      ['wrong dtype', post(input({ datatype: 'FP16' })), 400, /datatype "FP16"/],
      ['too few values', post(input({})), 400, /data has 1 values/],
      [
        'wrong input name',
        post(JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [0] }] })),
        400,
        /'images'/,
      ],
      [
        'binary size mismatch',
        post(
          Buffer.concat([
            Buffer.from(input({ data: undefined, parameters: { binary_data_size: 12 } })),
            Buffer.alloc(12),
          ]),
          {
            'inference-header-content-length': String(
              input({ data: undefined, parameters: { binary_data_size: 12 } }).length,
            ),
          },
        ),
        400,
        /binary_data_size/,
      ],
      ['oversized body', post(Buffer.alloc(9 * 1024 * 1024)), 413, /at most/],
      ['no token', fetch(infer, { method: 'POST', body: '{}' }), 401, /bearer token/],
      ['GET infer', fetch(infer, { headers: auth }), 405, /POST/],
    ];
    for (const [name, pending, status, message] of cases) {
      const response = await pending;
      assert.equal(response.status, status, name);
      const body = (await response.json()) as { error?: string };
      assert.match(body.error ?? '', message, name);
    }
    // A chunked body (no Content-Length) is cut off at the limit as it streams in.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(infer, { method: 'POST', headers: auth }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024);
      let sent = 0;
      const pump = (): void => {
        while (sent < 12 && req.write(chunk)) sent++;
        if (sent < 12) req.once('drain', () => (sent++, pump()));
        else req.end();
      };
      pump();
    });
    assert.equal(chunked.status, 413);
    assert.match(chunked.body, /over 8388608 bytes/);
    // Still serving, with correct answers.
    const ok = await post(
      JSON.stringify({
        inputs: [{ name: 'images', shape: [1, 3, 224, 224], datatype: 'FP32', data: Array.from(crop(4)) }],
      }),
    );
    assert.equal(ok.status, 200);
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: auth })).text();
    assert.match(metrics, /auformer_infer_requests_total\{code="400"\} [1-9]/);
    assert.match(metrics, /auformer_infer_requests_total\{code="413"\} 2/);
    assert.match(metrics, /auformer_infer_queue_crops 0/);
  });
});
