/**
 * Graceful shutdown of infer-server: requests already in progress are answered (200) when
 * `close()` is called, readiness turns 503 at once, and afterwards nothing listens.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEFAULT_MODEL_PATH, startInferServer, type InferServer } from '../../src/index.js';

it('answers requests in progress, refuses new ones, then stops listening', async () => {
  const server = await startInferServer({
    model: DEFAULT_MODEL_PATH,
    port: 0,
    // Six crops wait in a batch of 8 for up to 3 s (maxWaitMs), so they are surely in progress
    // when close() is called, however loaded the machine is.
    modelOptions: { maxBatch: 8, maxWaitMs: 3000 },
  });
  try {
    await drainsOnClose(server);
  } finally {
    await server.close(); // also after a failed assertion: no server left to time the file out
  }
});

async function drainsOnClose(server: InferServer): Promise<void> {
  const body = JSON.stringify({
    inputs: [
      {
        name: 'images',
        shape: [1, 3, 224, 224],
        datatype: 'UINT8',
        data: new Array(3 * 224 * 224).fill(128),
      },
    ],
  });
  const infer = () => fetch(`${server.modelUrl}/infer`, { method: 'POST', body });
  const inFlight = Array.from({ length: 6 }, infer);
  const deadline = Date.now() + 20_000;
  while (server.load().queuedCrops < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(server.load().queuedCrops, 6, 'six crops in progress');
  const closing = server.close();
  const ready = await fetch(`${server.url}/v2/health/ready`).catch(() => undefined);
  if (ready) assert.equal(ready.status, 503, 'not ready while draining');
  const answers = await Promise.all(inFlight);
  assert.deepEqual(
    answers.map((a) => a.status),
    [200, 200, 200, 200, 200, 200],
  );
  for (const a of answers)
    assert.equal(((await a.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data.length, 12);
  await closing;
  await assert.rejects(fetch(`${server.url}/v2/health/live`), 'nothing listens after close');
  assert.equal(server.close(), closing, 'close is idempotent');
}
