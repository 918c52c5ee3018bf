/**
 * Killing an inference server mid-run: a RemoteAUModel with a second endpoint fails over and
 * loses no crop; with none, requests end with a typed error within `timeoutMs` (nothing hangs);
 * a server restarted within `timeoutMs` lets a live StreamHub pipeline carry on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import {
  DEFAULT_MODEL_PATH,
  type FrameResult,
  ModelError,
  RemoteAUModel,
  StreamHub,
  fromFile,
  playAsLive,
  startInferServer,
} from '../../src/index.js';
import { SAMPLE_FACES } from '../helpers/media.js';
import { startServerProcess } from './serverProcess.js';

const crop = new Float32Array(3 * 224 * 224).fill(0.1);

describe('RemoteAUModel when a server dies', () => {
  it('fails over to the second endpoint: every crop answered, the rest by the survivor', async () => {
    const doomed = await startServerProcess();
    const survivor = await startInferServer({ model: DEFAULT_MODEL_PATH, port: 0 });
    const model = await RemoteAUModel.create([doomed.url, survivor.url], { maxBatch: 2, timeoutMs: 15_000 });
    try {
      const first = await Promise.all(Array.from({ length: 8 }, () => model.infer(crop)));
      const before = survivor.model.stats.crops;
      assert.ok(before < 8, 'round-robin: the doomed server took some crops');
      // Kill it with requests on the wire.
      const pending = Promise.all(Array.from({ length: 24 }, () => model.infer(crop)));
      await doomed.kill();
      const rest = await pending;
      assert.equal(first.length + rest.length, 32);
      for (const p of rest)
        assert.deepEqual(Array.from(p), Array.from(first[0]!), 'same answer from either server');
      assert.ok(
        survivor.model.stats.crops - before >= 16,
        'the survivor answered what the dead server could not',
      );
    } finally {
      await model.dispose();
      await doomed.kill();
      await survivor.close();
    }
  });

  it('with no other endpoint: a typed AUF_ERR_REMOTE_UNREACHABLE within timeoutMs, nothing hangs', async () => {
    const server = await startServerProcess();
    const model = await RemoteAUModel.create(server.url, { timeoutMs: 1500 });
    try {
      await model.infer(crop);
      await server.kill();
      const started = Date.now();
      const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => model.infer(crop)));
      const elapsed = Date.now() - started;
      for (const o of outcomes) {
        assert.equal(o.status, 'rejected');
        const error = (o as PromiseRejectedResult).reason as ModelError;
        assert.ok(error instanceof ModelError);
        assert.equal(error.code, 'AUF_ERR_REMOTE_UNREACHABLE');
      }
      assert.ok(elapsed < 1500 + 3000, `gave up after ${elapsed} ms (timeoutMs 1500, loaded machine)`);
    } finally {
      await model.dispose();
      await server.kill();
    }
  });

  it('a server restarted within timeoutMs lets a live pipeline resume', async () => {
    let server = await startServerProcess();
    const model = await RemoteAUModel.create(server.url, { timeoutMs: 30_000 });
    const hub = await StreamHub.create({ model });
    try {
      const scored = hub.records.pipe(
        filter((r): r is FrameResult => r.type === 'frame' && r.faces.length > 0),
      );
      const firstResults = firstValueFrom(scored.pipe(take(5), toArray()));
      hub.add('cam', playAsLive(fromFile(SAMPLE_FACES, { sourceId: 'cam' }), { loop: true }));
      await firstResults;
      await server.kill();
      const killedAt = Date.now();
      await new Promise((r) => setTimeout(r, 500));
      server = await startServerProcess(server.port);
      const restartedAt = Date.now();
      const after = await firstValueFrom(
        scored.pipe(
          filter((r) => r.capturedAtMs > restartedAt),
          take(5),
          toArray(),
        ),
      );
      assert.equal(after.length, 5, 'results flow again after the restart');
      const status = hub.metrics().find((m) => m.sourceId === 'cam');
      assert.equal(status?.state, 'live', 'the source never failed');
      assert.ok(restartedAt - killedAt < 30_000);
    } finally {
      await hub.close();
      await model.dispose();
      await server.kill();
    }
  });
});
