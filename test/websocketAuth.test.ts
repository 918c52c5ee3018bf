import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { serveWebSocket } from '../src/sinks/serveWebSocket.js';
import type { WebSocketServerEvent } from '../src/sinks/ws/webSocketServerHandle.js';
import { refusedStatus, TestClient } from './websocket.helpers.js';

describe('serveWebSocket upgrade checks', async () => {
  const server = await serveWebSocket({
    token: 's3cret-token',
    allowedOrigins: ['https://dash.example.com'],
    heartbeatMs: 0,
  });
  const events: WebSocketServerEvent[] = [];
  const subscription = server.events.subscribe((event) => events.push(event));
  after(async () => {
    await server.close();
    subscription.unsubscribe();
  });
  const bearer = { headers: { Authorization: 'Bearer s3cret-token' } };

  it('refuses a missing or wrong token with 401 before upgrading', async () => {
    assert.equal(await refusedStatus(server.url), 401);
    assert.equal(await refusedStatus(`${server.url}?token=wrong`), 401);
    assert.equal(await refusedStatus(`${server.url}?token=s3cret-tokenX`), 401);
    assert.equal(await refusedStatus(server.url, { headers: { Authorization: 'Bearer nope' } }), 401);
    assert.equal(await refusedStatus(server.url, { headers: { Authorization: 'Basic s3cret-token' } }), 401);
    assert.equal(server.metrics().connections, 0);
  });

  it('accepts the token as a bearer header or as ?token= (browsers)', async () => {
    const viaHeader = await TestClient.open(server.url, bearer);
    const viaQuery = await TestClient.open(`${server.url}?token=s3cret-token&encoding=json`);
    assert.equal(viaHeader.hello['encoding'], 'msgpack');
    assert.equal(viaQuery.hello['encoding'], 'json');
    assert.equal(server.clients, 2);
    await Promise.all([viaHeader.client.dispose(), viaQuery.client.dispose()]);
  });

  it('refuses origins outside allowedOrigins with 403, accepts listed ones and clients without Origin', async () => {
    assert.equal(await refusedStatus(server.url, { ...bearer, origin: 'https://evil.example.com' }), 403);
    const listed = await TestClient.open(server.url, { ...bearer, origin: 'https://dash.example.com' });
    assert.equal(listed.hello['type'], 'hello');
    await listed.client.dispose();
  });

  it('refuses other paths with 404 and unknown encodings with 400', async () => {
    const base = `ws://127.0.0.1:${server.port}`;
    assert.equal(await refusedStatus(`${base}/other`, bearer), 404);
    assert.equal(await refusedStatus(`${server.url}?encoding=cbor`, bearer), 400);
  });

  it('counts and reports every refusal with its status', () => {
    const refused = events
      .filter((e) => e.type === 'rejected')
      .map((e) => (e.type === 'rejected' ? e.status : 0));
    assert.deepEqual(refused, [401, 401, 401, 401, 401, 403, 404, 400]);
    assert.equal(server.metrics().rejectedUpgrades, 8);
    assert.equal(server.metrics().connections, 3);
  });
});
