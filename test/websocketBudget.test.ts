import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom, filter } from 'rxjs';
import { serveWebSocket } from '../src/sinks/serveWebSocket.js';
import type { WebSocketServerHandle } from '../src/sinks/ws/webSocketServerHandle.js';
import { sampleFrame, TestClient, within } from './websocket.helpers.js';

/** A raw client that completes the handshake, subscribes, and then never reads a byte. */
async function stalledClient(port: number, server: WebSocketServerHandle): Promise<Socket> {
  const connected = firstValueFrom(server.events.pipe(filter((e) => e.type === 'connected')));
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined); // the server resets it once it is dropped
  await once(socket, 'connect');
  const subscribe = Buffer.from(JSON.stringify({ type: 'subscribe', sources: ['cam'] }));
  socket.write(
    'GET /ws?encoding=json HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  // One masked text frame (all-zero mask: the payload goes as is).
  socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | subscribe.length, 0, 0, 0, 0]), subscribe]));
  socket.pause();
  await within(connected, 5000, 'the stalled client to connect');
  for (
    let i = 0;
    i < 100 && !server.metrics().perClient.some((c) => c.subscription.sources.length === 1);
    i += 1
  ) {
    await sleep(20);
  }
  assert.ok(
    server.metrics().perClient.some((c) => c.subscription.sources.length === 1),
    'the stalled client subscribed',
  );
  return socket;
}

describe('serveWebSocket send budget and heartbeat', () => {
  it('drops a client that stops reading, within its byte budget, while a fast client gets every record', async (t) => {
    const maxQueuedBytes = 256 * 1024;
    const server = await serveWebSocket({
      maxQueuedBytes,
      maxQueuedMessages: 100_000,
      heartbeatMs: 0,
      closeTimeoutMs: 300,
    });
    t.after(() => server.close());
    const fast = await TestClient.open(server.url);
    fast.client.send({ type: 'subscribe', sources: ['cam'] });
    await fast.client.next('subscription');
    const slow = await stalledClient(server.port, server);
    const slowId = server.metrics().perClient.find((c) => c.clientId !== 1)?.clientId;
    assert.equal(slowId, 2);
    const dropped = firstValueFrom(server.events.pipe(filter((e) => e.type === 'dropped')));
    const disconnected = firstValueFrom(
      server.events.pipe(filter((e) => e.type === 'disconnected' && e.clientId === slowId)),
    );

    let published = 0;
    let peakSlowQueuedBytes = 0;
    // ~6 KB per record; stop at 200 MB so a broken budget fails instead of hanging.
    while (server.clients === 2 && published < 32_000) {
      for (let i = 0; i < 25; i += 1) server.publish(sampleFrame('cam', published++, 8));
      const slowMetrics = server.metrics().perClient.find((c) => c.clientId === slowId);
      peakSlowQueuedBytes = Math.max(peakSlowQueuedBytes, slowMetrics?.queuedBytes ?? 0);
      // Let the fast client catch up so only the stalled one falls behind.
      while (
        fast.client.all('frame').length < published &&
        fast.client.ws.readyState === fast.client.ws.OPEN
      ) {
        await sleep(1);
      }
    }
    const drop = await within(dropped, 5000, 'the drop');
    assert.equal(drop.type === 'dropped' && drop.reason, 'send-budget-exceeded');
    assert.equal(drop.type === 'dropped' && drop.clientId, slowId);
    assert.equal((await within(disconnected, 5000, 'the stalled client to go')).type, 'disconnected');
    const metrics = server.metrics();
    assert.ok(metrics.peakQueuedBytes <= maxQueuedBytes, `peak ${metrics.peakQueuedBytes} B > budget`);
    assert.ok(
      metrics.peakQueuedBytes > maxQueuedBytes / 2,
      `peak ${metrics.peakQueuedBytes} B: the budget was never used`,
    );
    assert.ok(peakSlowQueuedBytes <= maxQueuedBytes);
    assert.equal(metrics.dropped['send-budget-exceeded'], 1);
    assert.equal(metrics.clients, 1);

    // The fast client got every record, in order, and keeps receiving after the drop.
    for (let i = 0; i < 10; i += 1) server.publish(sampleFrame('cam', published++, 8));
    while (fast.client.all('frame').length < published) await fast.client.next('frame');
    assert.deepEqual(
      fast.client.all('frame').map((f) => f['index']),
      Array.from({ length: published }, (_, i) => i),
    );
    assert.equal(fast.client.ws.readyState, fast.client.ws.OPEN);
    slow.destroy();
    await fast.client.dispose();
    await server.close();
  });

  it('drops a stalled client on the message budget too, never holding more than maxQueuedMessages', async (t) => {
    const maxQueuedMessages = 64;
    const server = await serveWebSocket({ maxQueuedMessages, heartbeatMs: 0, closeTimeoutMs: 300 });
    t.after(() => server.close());
    const slow = await stalledClient(server.port, server);
    const dropped = firstValueFrom(server.events.pipe(filter((e) => e.type === 'dropped')));
    let published = 0;
    while (server.clients === 1 && published < 200_000) {
      for (let i = 0; i < 50; i += 1) server.publish(sampleFrame('cam', published++, 0));
      await sleep(1);
    }
    const drop = await within(dropped, 5000, 'the drop');
    assert.equal(drop.type === 'dropped' && drop.reason, 'send-budget-exceeded');
    assert.equal(drop.type === 'dropped' && drop.queuedMessages, maxQueuedMessages);
    assert.equal(server.metrics().peakQueuedMessages, maxQueuedMessages);
    slow.destroy();
    await server.close();
  });

  it('terminates a client that stops answering pings and keeps one that answers', async (t) => {
    const server = await serveWebSocket({ heartbeatMs: 400 });
    t.after(() => server.close());
    const alive = await TestClient.open(server.url);
    const dead = await TestClient.open(server.url, { autoPong: false });
    const closed = await within(dead.client.closed, 5000, 'the dead client to be cut');
    assert.equal(closed.code, 1006, 'terminated without a close frame');
    assert.equal(server.metrics().dropped.heartbeat, 1);
    assert.equal(server.clients, 1);
    assert.equal(alive.client.ws.readyState, alive.client.ws.OPEN);
    alive.client.send({ type: 'ping', id: 9 });
    assert.deepEqual(await alive.client.next('pong'), { type: 'pong', id: 9 });
    await alive.client.dispose();
    await server.close();
  });
});
