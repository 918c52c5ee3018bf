/**
 * The results plane on a real Redis: a real analyze run appended with toRedisStream, two
 * gateways delivering the same records to their WebSocket clients, consumer groups that
 * acknowledge, stale epochs dropped, and MAXLEN bounding Redis whatever the readers do.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { EMPTY, from, lastValueFrom, take, toArray } from 'rxjs';
import { connectRedis, fromRedisStream, serveGateway, toRedisStream } from '../../src/distributed/index.js';
import {
  analyze,
  AUModel,
  DEFAULT_MODEL_PATH,
  type AnalysisRecord,
  type FrameResult,
} from '../../src/index.js';
import { makeTempDir } from '../helpers/media.js';
import { sampleFrame, TestClient, within } from '../websocket.helpers.js';
import { makeClips } from './archiveHelpers.js';
import { startRedis, type RedisServer } from './redisServer.js';

describe('results on Redis Streams', { timeout: 120_000 }, () => {
  let redis: RedisServer;
  let connection: Redis;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => {
    [redis, temp] = await Promise.all([startRedis(), makeTempDir()]);
    connection = await connectRedis(redis.url);
  });
  after(async () => {
    connection.disconnect();
    await redis.stop();
    await temp.cleanup();
  });

  it('two gateways on one stream deliver the same records to their WebSocket clients', async () => {
    const model = await AUModel.create(DEFAULT_MODEL_PATH);
    const [clip] = await makeClips(temp.dir, 1, 1.5);
    const sources = [{ sourceId: 'cam1', kind: 'file' }];
    // The producer announces the source first, so gateways list it in their hello.
    await lastValueFrom(EMPTY.pipe(toRedisStream(connection, { prefix: 'gw', sources, model: model.card })), {
      defaultValue: undefined,
    });
    const gateways = [
      await serveGateway(connection, { prefix: 'gw' }),
      await serveGateway(connection, { prefix: 'gw' }),
    ];
    try {
      const clients = await Promise.all(gateways.map((g) => TestClient.open(g.url)));
      for (const { client, hello } of clients) {
        assert.deepEqual(
          (hello.sources as { sourceId: string }[]).map((s) => s.sourceId),
          ['cam1'],
        );
        assert.equal((hello.model as { name: string }).name, model.card.name);
        client.send({ type: 'subscribe', sources: ['cam1'] });
        await client.next('subscription');
      }
      await new Promise((r) => setTimeout(r, 1200)); // both gateways found the stream
      const produced = await lastValueFrom(
        analyze(clip!, { model, source: { sourceId: 'cam1' } }).pipe(
          toRedisStream(connection, { prefix: 'gw' }),
          toArray(),
        ),
      );
      const frames = produced.filter((r) => r.type === 'frame');
      assert.ok(frames.length >= 40);
      for (const { client } of clients) {
        await within(
          (async () => {
            while (client.all('frame').length < frames.length) await client.next('frame', 10_000);
          })(),
          20_000,
          'every frame at each client',
        );
        const got = client.all('frame') as unknown as AnalysisRecord[];
        assert.deepEqual(
          got.map((r) => r.type === 'frame' && [r.index, r.ptsMs]),
          frames.map((r) => r.type === 'frame' && [r.index, r.ptsMs]),
        );
        const [face, want] = [got[10], frames[10]].map((r) =>
          r?.type === 'frame' ? r.faces[0]?.aus : undefined,
        );
        assert.equal(face?.['AU12'], want?.['AU12'], 'values travel exactly (MessagePack)');
      }
      await Promise.all(clients.map(({ client }) => client.dispose()));
    } finally {
      await Promise.all(gateways.map((g) => g.close()));
      await model.dispose();
    }
  });

  it('meshes travel as float32 and come back as points; landmarks: false leaves them out', async () => {
    const [clip] = await makeClips(temp.dir, 1, 1.5);
    const frames = (await lastValueFrom(analyze(clip!, { source: { endMs: 400 } }).pipe(toArray()))).filter(
      (r): r is FrameResult => r.type === 'frame' && r.faces.length > 0,
    );
    assert.ok(frames.length >= 5 && frames.every((f) => f.faces[0]!.landmarks?.points.length === 468));
    for (const [sourceId, landmarks] of [
      ['full', true],
      ['lean', false],
    ] as const) {
      const records = frames.map((f) => ({ ...f, sourceId }));
      await lastValueFrom(from(records).pipe(toRedisStream(connection, { prefix: 'm', landmarks })), {
        defaultValue: undefined,
      });
    }
    const read = async (sourceId: string): Promise<FrameResult[]> =>
      (
        await lastValueFrom(
          fromRedisStream(connection, { prefix: 'm', sourceIds: [sourceId], from: 'all' }).pipe(
            take(frames.length),
            toArray(),
          ),
        )
      ).filter((r): r is FrameResult => r.type === 'frame');
    const [full, lean] = [await read('full'), await read('lean')];
    let worst = 0;
    full.forEach((f, i) => {
      const [got, want] = [f.faces[0]!, frames[i]!.faces[0]!];
      assert.deepEqual(got.aus, want.aus, 'everything else exactly');
      assert.deepEqual(got.landmarks?.roi, want.landmarks?.roi);
      want.landmarks!.points.forEach((p, k) => {
        const q = got.landmarks!.points[k]!;
        worst = Math.max(worst, Math.abs(p.x - q.x), Math.abs(p.y - q.y), Math.abs(p.z - q.z));
      });
    });
    assert.ok(worst < 1e-3, `points within float32 precision: ${worst} px`);
    assert.ok(worst > 0, 'the points did travel as float32');
    for (const [i, f] of lean.entries()) {
      assert.equal(f.faces[0]!.landmarks, undefined);
      assert.deepEqual(f.faces[0]!.pose, frames[i]!.faces[0]!.pose, 'pose and geometry stay');
    }
    const [fullBytes = 0, leanBytes = 0] = await Promise.all(
      ['full', 'lean'].map(async (id) =>
        Number(await connection.call('MEMORY', 'USAGE', `m:results:${id}`, 'SAMPLES', '0')),
      ),
    );
    assert.ok(
      fullBytes / frames.length < 8000 && leanBytes / frames.length < 1200,
      `${fullBytes} / ${leanBytes} B`,
    );
  });

  it('MAXLEN bounds the stream; a storage group reads and acknowledges every entry kept', async () => {
    const records = Array.from({ length: 3000 }, (_, i) => sampleFrame('slow', i));
    const slowReader = fromRedisStream(connection, { prefix: 'b', from: 'all', count: 10 });
    const firstTen = lastValueFrom(slowReader.pipe(take(10), toArray()));
    await lastValueFrom(from(records).pipe(toRedisStream(connection, { prefix: 'b', maxLen: 500 })), {
      defaultValue: undefined,
    });
    const length = await connection.xlen('b:results:slow');
    assert.ok(length >= 500 && length <= 600, `XLEN ${length} with maxLen 500 (approximate trimming)`);
    assert.equal((await firstTen).length, 10);
    // A storage group reads every entry kept and acknowledges each once it was emitted.
    const group = { name: 'storage', consumer: 'c1' };
    const read = await lastValueFrom(
      fromRedisStream(connection, { prefix: 'b', group }).pipe(take(length), toArray()),
    );
    assert.deepEqual(
      read.map((r) => r.type === 'frame' && r.index),
      Array.from({ length }, (_, i) => 3000 - length + i),
    );
    const [pending] = (await connection.xpending('b:results:slow', 'storage')) as [number];
    assert.equal(pending, 0, 'every record read was acknowledged');
  });

  it('a viewer that stops reading is cut off by the gateway; Redis stays at MAXLEN', async () => {
    const gateway = await serveGateway(connection, { prefix: 'v', ws: { maxQueuedMessages: 200 } });
    try {
      const sources = [{ sourceId: 'cam', kind: 'rtsp' }];
      await lastValueFrom(EMPTY.pipe(toRedisStream(connection, { prefix: 'v', sources })), {
        defaultValue: undefined,
      });
      const [fast, stalled] = await Promise.all([TestClient.open(gateway.url), TestClient.open(gateway.url)]);
      for (const { client } of [fast, stalled]) {
        client.send({ type: 'subscribe', sources: ['cam'] });
        await client.next('subscription');
      }
      const socket = (stalled.client.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      socket.pause(); // reads nothing more: its messages queue up at the gateway
      await new Promise((r) => setTimeout(r, 1200)); // the gateway found the announced stream
      // 4000 records at a camera-like pace (batches of 50 every 25 ms) the fast viewer keeps up with.
      for (let batch = 0; batch < 80; batch += 1) {
        const records = Array.from({ length: 50 }, (_, i) => sampleFrame('cam', batch * 50 + i, 3));
        await lastValueFrom(from(records).pipe(toRedisStream(connection, { prefix: 'v', maxLen: 1000 })), {
          defaultValue: undefined,
        });
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.ok((await connection.xlen('v:results:cam')) <= 1100);
      socket.resume();
      const closed = await within(stalled.client.closed, 20_000, 'the stalled viewer cut off');
      assert.equal(closed.code, 4008);
      await within(
        (async () => {
          while (fast.client.all('frame').length < 4000) await fast.client.next('frame', 10_000);
        })(),
        30_000,
        'the fast viewer gets every record',
      );
      assert.ok(gateway.server.clients <= 1);
      await fast.client.dispose();
    } finally {
      await gateway.close();
    }
  });

  it('records of an older lease epoch are dropped by readers', async () => {
    const stats = { emitted: 0, staleDropped: 0 };
    const reading = lastValueFrom(
      fromRedisStream(connection, { prefix: 'e', sourceIds: ['cam'], from: 'all' }, stats).pipe(
        take(3),
        toArray(),
      ),
    );
    const write = (epoch: number, first: number) =>
      lastValueFrom(
        from([sampleFrame('cam', first), sampleFrame('cam', first + 1)]).pipe(
          toRedisStream(connection, { prefix: 'e', epoch }),
        ),
        { defaultValue: undefined },
      );
    await write(2, 0); // host B holds the lease now (epoch 2)
    await write(1, 10); // late records of host A (epoch 1)
    await write(2, 2);
    const got = await within(reading, 10_000, 'three records');
    assert.deepEqual(
      got.map((r) => r.type === 'frame' && r.index),
      [0, 1, 2],
    );
    assert.equal(stats.staleDropped, 2);
  });
});
