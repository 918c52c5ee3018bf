/**
 * Four client processes share one infer-server: the server's batch statistics show batches
 * that hold crops of more than one client (what a GPU per decode host cannot do).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_MODEL_PATH, type InferServer, startInferServer } from '../../src/index.js';
import { startClients } from './clientProcesses.js';

describe('four client processes, one infer-server', () => {
  let server: InferServer;
  before(async () => {
    // A long batch wait, so crops that arrive close together share batches on a loaded machine.
    server = await startInferServer({
      model: DEFAULT_MODEL_PATH,
      port: 0,
      modelOptions: { maxBatch: 16, maxWaitMs: 40 },
    });
  });
  after(() => server.close());

  it('puts crops of several clients in one batch, and answers all of them', async () => {
    const summaries = await startClients(server.modelUrl, ['a', 'b', 'c', 'd'], 32);
    assert.deepEqual(
      summaries.map((s) => [s.clientId, s.ok, s.failed.length]),
      ['a', 'b', 'c', 'd'].map((id) => [id, 32, 0]),
    );
    const batches = server.model.stats.recentBatches;
    assert.equal(
      batches.reduce((n, b) => n + b.size, 0),
      4 * 32,
      'every crop went through the shared model',
    );
    const mixed = batches.filter((b) => new Set(b.tags).size > 1);
    const clients = new Set(batches.flatMap((b) => b.tags));
    assert.deepEqual([...clients].sort(), ['a', 'b', 'c', 'd']);
    assert.ok(
      mixed.length >= 1,
      `batches with crops of more than one client: ${mixed.length} of ${batches.length}`,
    );
    assert.ok(
      Math.max(...batches.map((b) => b.size)) > 4,
      'server batches are larger than one client request',
    );
  });
});
