/**
 * Overload: four client processes keep far more crops in flight than the server's queue holds.
 * The queue never passes its cap (so the server's memory is bounded: its batch tensors stay
 * few), the excess gets 429 + Retry-After, clients back off (the refusals stay few per second)
 * and in the end every crop is answered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MODEL_PATH, type InferServer, startInferServer } from '../../src/index.js';
import { startClients } from './clientProcesses.js';

const CLIENTS = ['o1', 'o2', 'o3', 'o4'];
const CROPS_PER_CLIENT = 48;
const IN_FLIGHT_PER_CLIENT = 2; // fixtures/remoteClient.ts

describe('infer-server under overload', () => {
  let server: InferServer;
  before(async () => {
    server = await startInferServer({
      model: DEFAULT_MODEL_PATH,
      port: 0,
      maxQueueCrops: 8,
      retryAfterSeconds: 1,
      modelOptions: { maxBatch: 4 },
    });
  });
  after(() => server.close());

  it('keeps the queue at its cap, sheds with 429, clients back off, every crop answered', async () => {
    const started = Date.now();
    // Each client has 2 requests of 4 crops on the wire: 32 crops offered against a queue of 8.
    const summaries = await startClients(server.modelUrl, CLIENTS, CROPS_PER_CLIENT, 4);
    const seconds = (Date.now() - started) / 1000;
    for (const s of summaries) assert.deepEqual([s.ok, s.failed], [CROPS_PER_CLIENT, []], s.clientId);
    const load = server.load();
    assert.ok(load.shedRequests > 0, 'some requests were refused with 429');
    assert.ok(load.peakQueuedCrops <= 8, `queue peaked at ${load.peakQueuedCrops} crops (cap 8)`);
    assert.equal(load.queuedCrops, 0);
    // A client that got 429 waits Retry-After (1 s) before sending again: at most its requests
    // in flight are refused per second (plus a first round), however hard it pushes.
    const bound = CLIENTS.length * IN_FLIGHT_PER_CLIENT * (seconds + 2);
    assert.ok(
      load.shedRequests <= bound,
      `${load.shedRequests} refusals in ${seconds.toFixed(1)} s (bound ${bound.toFixed(0)})`,
    );
    assert.ok(server.model.tensorsAllocated <= 8 / 4 + 2, `${server.model.tensorsAllocated} batch tensors`);
    assert.match(server.metricsText(), /auformer_infer_shed_total [1-9]/);
  });
});
