/**
 * RemoteAUModel against a server shaped like Triton serving the repository `model/` writes:
 * model metadata WITHOUT the card (Triton's has no parameters), the card and max_batch_size in
 * GET /v2/models/NAME/config (read from the written config.pbtxt), input UINT8. Triton itself
 * cannot run here, so infer calls are relayed to an infer-server; what is under test is that
 * the client finds the card, batch size and datatype the way Triton presents them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DEFAULT_MODEL_PATH, RemoteAUModel, startInferServer } from '../../src/index.js';
import { makeTempDir, REPO_ROOT } from '../helpers/media.js';

/** `parameters { key: "k" value: { string_value: "v" } }` blocks of a config.pbtxt, unescaped. */
function pbtxtParameters(text: string): Record<string, { string_value: string }> {
  const unescape = (s: string): string => s.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
  const block =
    /parameters \{\n {2}key: "((?:[^"\\]|\\.)*)"\n {2}value: \{ string_value: "((?:[^"\\]|\\.)*)" \}\n\}/g;
  return Object.fromEntries(
    [...text.matchAll(block)].map((m) => [unescape(m[1]!), { string_value: unescape(m[2]!) }]),
  );
}

describe('RemoteAUModel with a Triton-shaped server', () => {
  it('reads the card from the model config written by auformer.triton_repo and sends UINT8', async () => {
    const temp = await makeTempDir();
    await promisify(execFile)(
      '/usr/bin/python3',
      ['-m', 'auformer.triton_repo', DEFAULT_MODEL_PATH, '--repo', temp.dir, '--max-batch-size', '8'],
      {
        cwd: join(REPO_ROOT, 'model'),
      },
    );
    const pbtxt = await readFile(join(temp.dir, 'auformer-tiny', 'config.pbtxt'), 'utf8');
    const backend = await startInferServer({ model: DEFAULT_MODEL_PATH, port: 0 });
    let configReads = 0;
    const triton = createServer((req, res) => {
      const json = (body: unknown): void =>
        void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/v2/health/ready' || req.url === '/v2/models/auformer-tiny/ready') return json({});
      if (req.url === '/v2/models/auformer-tiny') {
        return json({
          name: 'auformer-tiny',
          versions: ['1'],
          platform: 'onnxruntime_onnx',
          inputs: [{ name: 'images', datatype: 'UINT8', shape: [-1, 3, 224, 224] }],
          outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 12] }],
        });
      }
      if (req.url === '/v2/models/auformer-tiny/config') {
        configReads++;
        return json({
          name: 'auformer-tiny',
          platform: 'onnxruntime_onnx',
          max_batch_size: Number(/max_batch_size: (\d+)/.exec(pbtxt)?.[1]),
          parameters: pbtxtParameters(pbtxt),
        });
      }
      // Relay infer to the real server (body and binary headers as they are).
      void fetch(`${backend.url}${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: req,
        duplex: 'half',
      } as RequestInit).then(async (r) => {
        res.writeHead(r.status, Object.fromEntries(r.headers));
        res.end(Buffer.from(await r.arrayBuffer()));
      });
    }).listen(0, '127.0.0.1');
    await once(triton, 'listening');
    const { port } = triton.address() as { port: number };
    const model = await RemoteAUModel.create(`http://127.0.0.1:${port}/v2/models/auformer-tiny`, {
      maxBatch: 32,
    });
    try {
      assert.equal(configReads, 1, 'the card came from the model config');
      assert.deepEqual(model.card.auNames, backend.model.card.auNames);
      assert.equal(model.card.inputDtype, 'uint8', 'the repository serves the uint8-input variant');
      assert.equal(model.maxBatch, 8, 'max_batch_size from the config caps client batches');
      assert.equal(model.datatype, 'UINT8');
      const p = await model.infer(new Float32Array(3 * 224 * 224));
      assert.equal(p.length, 12);
      assert.ok(p.every((v) => v > 0 && v < 1));
    } finally {
      await model.dispose();
      triton.closeAllConnections();
      triton.close();
      await backend.close();
      await temp.cleanup();
    }
  });
});
