/**
 * Previews over the WebSocket server, from a real StreamHub (a sample clip played as a live
 * camera, real BlazeFace, the tiny AUFormer): a client subscribed to the source receives valid
 * JPEGs of the advertised size (MessagePack: bytes, JSON: base64); one that is not, none.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Subscription } from 'rxjs';
import { FaceDetector } from '../src/detector/FaceDetector.js';
import { StreamHub } from '../src/hub/StreamHub.js';
import { playAsLive } from '../src/hub/playAsLive.js';
import { AUModel } from '../src/model/AUModel.js';
import { DEFAULT_MODEL_PATH } from '../src/model/defaultModel.js';
import { serveWebSocket } from '../src/sinks/serveWebSocket.js';
import { toWebSocket } from '../src/sinks/toWebSocket.js';
import { fromFile } from '../src/sources/fromFile.js';
import { SAMPLE_FACES, waitForNoFfmpeg } from './helpers/media.js';
import { decodeJpeg, previewBytes } from './preview.helpers.js';
import { TestClient } from './websocket.helpers.js';

describe('preview messages', () => {
  let model: AUModel;
  let detector: FaceDetector;
  before(async () => {
    model = await AUModel.create(DEFAULT_MODEL_PATH, { maxBatch: 2, maxWaitMs: 50 });
    detector = await FaceDetector.create();
  });
  after(async () => {
    await detector.dispose();
    await model.dispose();
  });

  test('subscribed clients get JPEGs of the advertised size, others none', async () => {
    const hub = await StreamHub.create({ model, detector, preview: { everyMs: 300, maxWidth: 160 } });
    const ws = await serveWebSocket({ port: 0, model: model.card });
    const subs = new Subscription();
    subs.add(hub.records.pipe(toWebSocket(ws)).subscribe());
    subs.add(hub.previews.subscribe((image) => ws.publishPreview(image)));
    const { client: packed } = await TestClient.open(ws.url);
    const { client: json } = await TestClient.open(`${ws.url}?encoding=json`);
    const { client: other } = await TestClient.open(ws.url);
    try {
      for (const [client, sources] of [
        [packed, ['cam-1']],
        [json, ['cam-1']],
        [other, ['cam-2']],
      ] as const) {
        client.send({ type: 'unsubscribe', sources: '*' });
        client.send({ type: 'subscribe', sources });
        await client.next('subscription');
        await client.next('subscription');
      }
      hub.add(
        'cam-1',
        playAsLive(fromFile(SAMPLE_FACES, { sourceId: 'cam-1', maxWidth: 320 }), { loop: true }),
      );
      const frame = await packed.next('frame', 15000);
      for (const client of [packed, packed, json]) {
        const message = await client.next('preview', 15000);
        assert.equal(message.sourceId, 'cam-1');
        assert.equal(message.mime, 'image/jpeg');
        assert.equal(typeof message.ptsMs, 'number');
        const width = message.width as number;
        const height = message.height as number;
        assert.equal(width, 160, 'downscaled to maxWidth');
        assert.equal(height, 2 * Math.round((160 * (frame.height as number)) / (frame.width as number) / 2));
        const bytes = previewBytes(message.data);
        assert.equal(typeof message.data, client === json ? 'string' : 'object', 'base64 only in JSON');
        assert.deepEqual([bytes[0], bytes[1]], [0xff, 0xd8], 'a JPEG');
        const rgb = await decodeJpeg(bytes);
        assert.equal(rgb.length, width * height * 3, 'decodes to the advertised size');
        assert.ok(Math.max(...rgb) - Math.min(...rgb) > 50, 'not a flat image');
      }
      assert.ok(
        other.all('frame').length === 0 && other.all('preview').length === 0,
        'unsubscribed: nothing',
      );
    } finally {
      subs.unsubscribe();
      await Promise.all([packed.dispose(), json.dispose(), other.dispose()]);
      await hub.close();
      await ws.close();
    }
    assert.equal(await waitForNoFfmpeg(), 0, 'no ffmpeg left');
  });

  test('without the preview option the hub encodes nothing', async () => {
    const hub = await StreamHub.create({ model, detector });
    let images = 0;
    const sub = hub.previews.subscribe(() => (images += 1));
    const frames = new Promise<void>((resolve) => {
      let n = 0;
      hub.records.subscribe(() => (n += 1) === 20 && resolve());
    });
    // Looping, so the 20 records arrive however slow the machine is.
    hub.add(
      'cam-1',
      playAsLive(fromFile(SAMPLE_FACES, { sourceId: 'cam-1', maxWidth: 160 }), { speed: 4, loop: true }),
    );
    await frames;
    sub.unsubscribe();
    await hub.close();
    assert.equal(images, 0);
  });
});
