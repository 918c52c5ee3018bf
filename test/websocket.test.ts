import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { from, lastValueFrom, toArray } from 'rxjs';
import { OptionError } from '../src/errors.js';
import { serveWebSocket } from '../src/sinks/serveWebSocket.js';
import { toWebSocket } from '../src/sinks/toWebSocket.js';
import type { ModelCard } from '../src/types/model.js';
import type { AUEvent } from '../src/types/result.js';
import { refusedStatus, sampleFrame, TestClient, within } from './websocket.helpers.js';

const MODEL: ModelCard = {
  name: 'auformer-tiny',
  version: '0.1.0',
  auNames: ['AU01', 'AU02', 'AU04'],
  inputWidth: 224,
  inputHeight: 224,
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
  keypointSource: 'blazeface',
  alignmentTemplate: [
    { x: 76, y: 100 },
    { x: 148, y: 100 },
    { x: 112, y: 140 },
    { x: 112, y: 175 },
  ],
  thresholds: [0.5, 0.5, 0.5],
  trainingData: 'none',
  licence: 'Apache-2.0',
  description: 'test card',
  untrained: true,
};

describe('serveWebSocket', async () => {
  const server = await serveWebSocket({ model: MODEL, heartbeatMs: 0 });
  after(() => server.close());
  server.setSources([{ sourceId: 'cam-a', kind: 'rtsp', fps: 30 }]);
  server.updateSource({ sourceId: 'cam-a', state: 'live', reconnects: 2 });

  it('binds 127.0.0.1 on a free port and greets with the schema, model, sources and statuses', async () => {
    assert.equal(server.host, '127.0.0.1');
    assert.ok(server.port > 0);
    assert.equal(server.url, `ws://127.0.0.1:${server.port}/ws`);
    const { client, hello } = await TestClient.open(server.url);
    assert.equal(client.received[0]?.binary, true, 'msgpack is the default encoding');
    assert.deepEqual(hello, {
      type: 'hello',
      schemaVersion: 2,
      model: MODEL,
      sources: [{ sourceId: 'cam-a', kind: 'rtsp', fps: 30 }],
      statuses: [{ sourceId: 'cam-a', state: 'live', reconnects: 2 }],
      encoding: 'msgpack',
      subscription: { sources: [] },
      limits: { maxPayload: 65536, maxQueuedMessages: 512, maxQueuedBytes: 4194304, heartbeatMs: 0 },
    });
    await client.dispose();
  });

  it('sends records as MessagePack by default and as JSON text with ?encoding=json, identical to the input', async () => {
    const packed = await TestClient.open(server.url);
    const json = await TestClient.open(`${server.url}?encoding=json`);
    assert.equal(json.hello['encoding'], 'json');
    for (const c of [packed.client, json.client]) {
      c.send({ type: 'subscribe', sources: '*' });
      await c.next('subscription');
    }
    const frame = sampleFrame('cam-a', 7, 2);
    const event: AUEvent = {
      type: 'event',
      sourceId: 'cam-a',
      trackId: 1,
      au: 'AU12',
      startMs: 100,
      endMs: 900.5,
      startIndex: 3,
      endIndex: 27,
      peakMs: 433.25,
      peakProbability: 0.875,
    };
    assert.equal(server.publish(frame), 2);
    assert.equal(server.publish(event), 2);
    for (const [c, binary] of [
      [packed.client, true],
      [json.client, false],
    ] as const) {
      assert.deepEqual(await c.next('frame'), frame);
      assert.deepEqual(await c.next('event'), event);
      assert.ok(c.received.slice(1).every((r) => r.binary === binary));
    }
    await Promise.all([packed.client.dispose(), json.client.dispose()]);
  });

  it('sends records only for subscribed sources; "*" includes later sources minus unsubscribed ones', async () => {
    const { client } = await TestClient.open(`${server.url}?encoding=json`);
    server.publish(sampleFrame('cam-a', 0));
    client.send({ type: 'subscribe', sources: ['cam-b'] });
    assert.deepEqual(await client.next('subscription'), { type: 'subscription', sources: ['cam-b'] });
    server.publish(sampleFrame('cam-a', 1));
    server.publish(sampleFrame('cam-b', 2));
    assert.equal((await client.next('frame'))['index'], 2);

    client.send({ type: 'subscribe', sources: '*' });
    client.send({ type: 'unsubscribe', sources: ['cam-b'] });
    assert.deepEqual(await client.next('subscription'), { type: 'subscription', sources: '*', except: [] });
    assert.deepEqual(await client.next('subscription'), {
      type: 'subscription',
      sources: '*',
      except: ['cam-b'],
    });
    server.publish(sampleFrame('cam-b', 3));
    server.publish(sampleFrame('cam-new', 4));
    assert.equal((await client.next('frame'))['index'], 4);

    client.send({ type: 'unsubscribe', sources: '*' });
    await client.next('subscription');
    server.publish(sampleFrame('cam-new', 5));
    client.send({ type: 'ping', id: 'p1' });
    assert.deepEqual(await client.next('pong'), { type: 'pong', id: 'p1' });
    assert.deepEqual(
      client.all('frame').map((f) => f['index']),
      [2, 4],
    );
    await client.dispose();
  });

  it('tells every client about source list and status changes', async () => {
    const { client } = await TestClient.open(`${server.url}?encoding=json`);
    server.setSources([
      { sourceId: 'cam-a', kind: 'rtsp' },
      { sourceId: 'cam-b', kind: 'file', durationMs: 5000 },
    ]);
    server.updateSource({ sourceId: 'cam-b', state: 'stalled', droppedFrames: 3 });
    assert.deepEqual((await client.next('sources'))['sources'], [
      { sourceId: 'cam-a', kind: 'rtsp' },
      { sourceId: 'cam-b', kind: 'file', durationMs: 5000 },
    ]);
    assert.deepEqual(await client.next('status'), {
      type: 'status',
      sourceId: 'cam-b',
      state: 'stalled',
      droppedFrames: 3,
    });
    const late = await TestClient.open(server.url);
    assert.deepEqual(late.hello['statuses'], [
      { sourceId: 'cam-a', state: 'live', reconnects: 2 },
      { sourceId: 'cam-b', state: 'stalled', droppedFrames: 3 },
    ]);
    await Promise.all([client.dispose(), late.client.dispose()]);
  });

  it('toWebSocket publishes each record and passes it through unchanged', async () => {
    const { client } = await TestClient.open(server.url);
    client.send({ type: 'subscribe', sources: ['cam-z'] });
    await client.next('subscription');
    const records = [sampleFrame('cam-z', 0), sampleFrame('cam-y', 1), sampleFrame('cam-z', 2)];
    const out = await lastValueFrom(from(records).pipe(toWebSocket(server), toArray()));
    assert.deepEqual(out, records);
    assert.equal((await client.next('frame'))['index'], 0);
    assert.equal((await client.next('frame'))['index'], 2);
    await client.dispose();
  });
});

describe('serveWebSocket lifecycle and options', () => {
  it('close() sends a notice, closes clients with 1001, frees the port and then publishes nothing', async (t) => {
    const server = await serveWebSocket({ heartbeatMs: 50 });
    t.after(() => server.close());
    const { client } = await TestClient.open(server.url);
    await server.close();
    assert.deepEqual(await within(client.closed, 5000, 'close'), { code: 1001, reason: 'server-shutdown' });
    assert.equal(client.all('notice')[0]?.['reason'], 'server-shutdown');
    assert.equal(server.publish(sampleFrame('a', 0)), 0);
    assert.equal(server.clients, 0);
    await server.close(); // idempotent
    const reuse = await serveWebSocket({ port: server.port });
    t.after(() => reuse.close());
    assert.equal(reuse.port, server.port);
    await reuse.close();
  });

  it('attaches to an existing HTTP server and leaves it (and its other paths) alone on close', async (t) => {
    const http = createServer((_req, res) => res.end('dashboard'));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const { port } = http.address() as AddressInfo;
    const server = await serveWebSocket({ server: http, path: '/live', heartbeatMs: 0 });
    t.after(() => server.close());
    assert.equal(server.url, `ws://127.0.0.1:${port}/live`);
    const { hello, client } = await TestClient.open(server.url);
    assert.equal(hello['schemaVersion'], 2);
    await client.dispose();
    await server.close();
    const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    assert.equal(body, 'dashboard');
    assert.equal(http.listenerCount('upgrade'), 0);
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  it('rejects invalid options with an OptionError naming the option', async () => {
    const cases: Array<[Parameters<typeof serveWebSocket>[0], string]> = [
      [{ port: 70000 }, '"port"'],
      [{ path: 'ws' }, '"path"'],
      [{ encoding: 'xml' as 'json' }, '"encoding"'],
      [{ token: '' }, '"token"'],
      [{ maxQueuedBytes: 0 }, '"maxQueuedBytes"'],
      [{ heartbeatMs: -1 }, '"heartbeatMs"'],
      [{ server: createServer(), port: 1 }, '"server"'],
    ];
    for (const [options, name] of cases) {
      await assert.rejects(serveWebSocket(options), (error: unknown) => {
        assert.ok(error instanceof OptionError);
        assert.equal(error.code, 'AUF_ERR_INVALID_OPTION');
        assert.ok(error.message.includes(name), error.message);
        return true;
      });
    }
  });

  it('answers plain HTTP with 426 and a port in use with a typed error', async (t) => {
    const server = await serveWebSocket({ heartbeatMs: 0 });
    t.after(() => server.close());
    const res = await fetch(`http://127.0.0.1:${server.port}/ws`);
    assert.equal(res.status, 426);
    await res.text();
    await assert.rejects(serveWebSocket({ port: server.port }), { code: 'AUF_ERR_SINK_WRITE' });
    assert.equal(await refusedStatus(`${server.url}?encoding=xml`), 400);
    await server.close();
  });
});
