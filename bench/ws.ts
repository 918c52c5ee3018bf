/**
 * WebSocket throughput: records per second and bytes per record, MessagePack vs JSON, for a
 * typical FrameResult (2 faces, 12 AUs, smoothed values and activation flags).
 *
 *   node --import tsx bench/ws.ts [records=20000]
 *
 * Measures (1) encoding alone and (2) end to end over loopback: publish -> one real `ws`
 * client that decodes every message. Publishes in batches of 100 and waits for the client to
 * catch up, the way a pipeline paces itself, so the send budget is never hit.
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { unpack } from 'msgpackr';
import WebSocket, { type RawData } from 'ws';
import { serveWebSocket } from '../src/sinks/serveWebSocket.js';
import { encodeMessage } from '../src/sinks/ws/encoding.js';
import type { WireEncoding } from '../src/sinks/ws/protocol.js';
import type { FrameResult } from '../src/types/result.js';
import { sampleFrame } from '../test/websocket.helpers.js';

const total = Number(process.argv[2] ?? 20_000);

function typicalFrame(index: number): FrameResult {
  const base = sampleFrame('cam-1', index, 2);
  return {
    ...base,
    faces: base.faces.map((face) => ({
      ...face,
      smoothed: Object.fromEntries(Object.entries(face.aus).map(([au, p]) => [au, p * 0.9])),
      active: Object.fromEntries(Object.entries(face.aus).map(([au, p]) => [au, p >= 0.5])),
    })),
  };
}

function encodeOnly(encoding: WireEncoding): { perSecond: number; bytes: number } {
  const frames = Array.from({ length: 1000 }, (_, i) => typicalFrame(i));
  let bytes = 0;
  const start = performance.now();
  for (let done = 0; done < total;) {
    for (const frame of frames) {
      if (done++ === total) break;
      bytes += encodeMessage(frame, encoding).data.byteLength;
    }
  }
  return { perSecond: total / ((performance.now() - start) / 1000), bytes: bytes / total };
}

async function endToEnd(encoding: WireEncoding): Promise<number> {
  const server = await serveWebSocket({ heartbeatMs: 0 });
  const ws = new WebSocket(`${server.url}?encoding=${encoding}`);
  let received = 0;
  let wake: (() => void) | undefined;
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const bytes = data as Buffer;
    const message = (isBinary ? unpack(bytes) : JSON.parse(bytes.toString('utf8'))) as { type: string };
    if (message.type === 'frame') received += 1;
    if (message.type === 'subscription' || received % 100 === 0) wake?.();
  });
  await once(ws, 'open');
  const caughtUp = (): Promise<void> => new Promise((resolve) => (wake = resolve));
  ws.send(JSON.stringify({ type: 'subscribe', sources: '*' }));
  await caughtUp();
  const start = performance.now();
  for (let sent = 0; sent < total;) {
    for (let i = 0; i < 100; i += 1) server.publish(typicalFrame(sent++));
    await caughtUp();
  }
  const seconds = (performance.now() - start) / 1000;
  ws.close();
  await server.close();
  return total / seconds;
}

console.log(`| encoding | bytes/record | encode records/s | end-to-end records/s |`);
console.log(`| -------- | ------------ | ---------------- | -------------------- |`);
for (const encoding of ['msgpack', 'json'] as const) {
  const encoded = encodeOnly(encoding);
  const e2e = await endToEnd(encoding);
  console.log(
    `| ${encoding} | ${Math.round(encoded.bytes)} | ${Math.round(encoded.perSecond)} | ${Math.round(e2e)} |`,
  );
}
