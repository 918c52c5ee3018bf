/**
 * StreamHub with a real RTSP camera (GStreamer RTSP server on 127.0.0.1, pulled by fromRtsp)
 * next to a file played as live: one model, results for both, the camera's own status stream
 * forwarded under the hub's id, and no ffmpeg left after close().
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StreamHub } from '../src/hub/StreamHub.js';
import { playAsLive } from '../src/hub/playAsLive.js';
import { AUModel } from '../src/model/AUModel.js';
import { DEFAULT_MODEL_PATH } from '../src/model/defaultModel.js';
import { fromFile } from '../src/sources/fromFile.js';
import { fromRtsp } from '../src/sources/fromRtsp.js';
import type { FrameResult } from '../src/types/result.js';
import type { SourceStatus } from '../src/types/sourceStatus.js';
import { SAMPLE_GROUP, waitForNoFfmpeg } from './helpers/media.js';
import { RtspServer } from './helpers/rtspServer.js';

async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('StreamHub with an RTSP camera', () => {
  let server: RtspServer;
  let model: AUModel;
  before(async () => {
    server = await RtspServer.start();
    model = await AUModel.create(DEFAULT_MODEL_PATH, { maxWaitMs: 20 });
  });
  after(async () => {
    await model.dispose();
    await server.stop();
  });

  test('an RTSP source and a file source on one hub', async () => {
    const hub = await StreamHub.create({ model });
    const results: FrameResult[] = [];
    const statuses: SourceStatus[] = [];
    const subs = [
      hub.records.subscribe((r) => r.type === 'frame' && results.push(r)),
      hub.status.subscribe((s) => statuses.push(s)),
    ];
    try {
      // The URL carries credentials: they must appear in no id, status or record.
      hub.add('door', fromRtsp(server.url({ userinfo: 'admin:s3cret' }), { connectTimeoutMs: 8000 }));
      hub.add(
        'lobby',
        playAsLive(fromFile(SAMPLE_GROUP, { sourceId: 'lobby', maxWidth: 480 }), { loop: true }),
      );
      const of = (id: string): FrameResult[] => results.filter((r) => r.sourceId === id);
      await waitFor(() => of('door').length >= 5 && of('lobby').length >= 3, 40_000, 'results of both');

      const door = of('door');
      assert.ok(
        door.some((r) => r.status === 'ok' && r.faces.length === 1),
        'the face in the RTSP clip',
      );
      assert.ok(door.every((r, i) => i === 0 || r.index > door[i - 1]!.index));
      const doorStates = statuses.filter((s) => s.sourceId === 'door').map((s) => s.state);
      assert.ok(doorStates.includes('live'), `door states ${doorStates.join(',')}`);
      assert.equal(statuses.filter((s) => s.sourceId !== 'door' && s.sourceId !== 'lobby').length, 0);
      assert.doesNotMatch(JSON.stringify(statuses), /s3cret/);
      const metrics = hub.metrics();
      assert.deepEqual(
        metrics.map((m) => [m.sourceId, m.state]),
        [
          ['door', 'live'],
          ['lobby', 'live'],
        ],
      );
      assert.ok(metrics.every((m) => m.fpsIn > 0 && m.latencyMs.p50 > 0));
    } finally {
      await hub.close();
      for (const s of subs) s.unsubscribe();
    }
    assert.equal(await waitForNoFfmpeg(5000), 0);
    assert.deepEqual(
      statuses
        .slice(-2)
        .map((s) => [s.sourceId, s.state])
        .sort(),
      [
        ['door', 'ended'],
        ['lobby', 'ended'],
      ],
    );
  });
});
