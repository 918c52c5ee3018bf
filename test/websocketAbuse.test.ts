import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pack } from 'msgpackr';
import { serveWebSocket } from '../src/sinks/serveWebSocket.js';
import { sampleFrame, TestClient, within } from './websocket.helpers.js';

describe('serveWebSocket with misbehaving clients', async () => {
  const server = await serveWebSocket({ maxPayload: 1024, maxInvalidMessages: 6, heartbeatMs: 0 });
  after(() => server.close());
  const { client: bystander } = await TestClient.open(`${server.url}?encoding=json`);
  bystander.send({ type: 'subscribe', sources: ['cam'] });
  await bystander.next('subscription');
  let index = 0;
  /** The well-behaved client still gets every record. */
  const bystanderStillServed = async (): Promise<void> => {
    const sent = index++;
    assert.equal(server.publish(sampleFrame('cam', sent)), 1);
    assert.equal((await bystander.next('frame'))['index'], sent);
  };

  it('answers each invalid message with an AUF_ERR_CLIENT_MESSAGE error and keeps the connection', async () => {
    const { client } = await TestClient.open(`${server.url}?encoding=json`);
    const garbage: Array<[string | Buffer, RegExp]> = [
      ['{not json', /not valid JSON/],
      [Buffer.from([0xc1, 0xc1, 0xc1]), /not valid MessagePack/],
      [JSON.stringify([1, 2]), /Expected an object/],
      [
        JSON.stringify({ type: 'delete-everything' }),
        /Unknown message type "delete-everything".*"subscribe", "unsubscribe", "ping"/,
      ],
      [JSON.stringify({ type: 'subscribe', sources: 'cam' }), /"subscribe.sources" must be "\*" or an array/],
      [pack({ type: 'unsubscribe', sources: [42] }), /non-empty strings/],
    ];
    for (const [i, [payload, expected]] of garbage.entries()) {
      client.ws.send(payload);
      const error = await client.next('error');
      assert.equal(error['code'], 'AUF_ERR_CLIENT_MESSAGE');
      assert.match(String(error['message']), expected);
      assert.equal(error['invalidMessages'], i + 1);
    }
    // A valid MessagePack message still works on the same connection.
    client.ws.send(pack({ type: 'subscribe', sources: ['cam-2'] }));
    assert.deepEqual(await client.next('subscription'), { type: 'subscription', sources: ['cam-2'] });
    assert.equal(client.ws.readyState, client.ws.OPEN);
    await bystanderStillServed();
    await client.dispose();
  });

  it('closes with 1008 after more than maxInvalidMessages invalid messages', async () => {
    const { client } = await TestClient.open(server.url);
    for (let i = 0; i < 7; i += 1) client.ws.send('nope');
    const closed = await within(client.closed, 5000, 'close');
    assert.deepEqual(closed, { code: 1008, reason: 'too-many-invalid-messages' });
    assert.equal(client.all('error').length, 6);
    assert.match(String(client.all('notice')[0]?.['message']), /more than 6 invalid messages/);
    assert.equal(server.metrics().dropped['too-many-invalid-messages'], 1);
    await bystanderStillServed();
  });

  it('closes with 1009 on a message over maxPayload and keeps serving others', async () => {
    const { client } = await TestClient.open(server.url);
    client.send({ type: 'subscribe', sources: Array.from({ length: 200 }, (_, i) => `camera-${i}`) });
    const closed = await within(client.closed, 5000, 'close');
    assert.equal(closed.code, 1009);
    await bystanderStillServed();
    const again = await TestClient.open(server.url);
    assert.equal(again.hello['type'], 'hello');
    await again.client.dispose();
  });

  it('caps how many sources one subscription may name', async (t) => {
    const big = await serveWebSocket({ heartbeatMs: 0 });
    t.after(() => big.close());
    const { client } = await TestClient.open(`${big.url}?encoding=json`);
    for (let chunk = 0; chunk < 2; chunk += 1) {
      client.send({ type: 'subscribe', sources: Array.from({ length: 600 }, (_, i) => `c${chunk}-${i}`) });
    }
    assert.equal(((await client.next('subscription'))['sources'] as string[]).length, 600);
    assert.match(String((await client.next('error'))['message']), /at most 1024 sources/);
    assert.equal((big.metrics().perClient[0]?.subscription.sources as string[]).length, 600);
    await client.dispose();
    await big.close();
  });
});
