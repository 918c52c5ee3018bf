/**
 * Capture-to-viewer latency through Redis: a StreamHub's records appended to Redis Streams
 * (toRedisStream) and served by a gateway (serveGateway), vs the same hub serving its WebSocket
 * directly (bench/latency.ts's rig). One looped live copy of the sample per run, p50 / p95 of
 * `Date.now() - capturedAtMs` at a real `ws` client, after a 3 s warm-up.
 *
 *   node --import tsx bench/distributedLatency.ts [--seconds 15] [--max-width 640]
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { unpack } from 'msgpackr';
import WebSocket, { type RawData } from 'ws';
import { connectRedis, serveGateway, toRedisStream } from '../src/distributed/index.js';
import { AUModel, DEFAULT_MODEL_PATH, fromFile, playAsLive, StreamHub } from '../src/index.js';
import { startRedis } from '../test/distributed/redisServer.js';
import { percentile, SAMPLE, startRig } from './latency.js';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, 'max-width': { type: 'string' } } });
const seconds = Number(values.seconds ?? 15);
const maxWidth = Number(values['max-width'] ?? 640);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function collect(url: string): Promise<{ take: () => number[]; close: () => void }> {
  const ws = new WebSocket(url);
  let latencies: number[] = [];
  ws.on('message', (data: RawData) => {
    const m = unpack(data as Buffer) as { type: string; capturedAtMs?: number };
    if (m.type === 'frame' && m.capturedAtMs !== undefined) latencies.push(Date.now() - m.capturedAtMs);
  });
  await once(ws, 'open');
  ws.send(JSON.stringify({ type: 'subscribe', sources: '*' }));
  return { take: () => [latencies, (latencies = [])][0]!, close: () => ws.close() };
}

const row = (name: string, l: number[]): string =>
  `| ${name} | ${percentile(l, 0.5).toFixed(0)} | ${percentile(l, 0.95).toFixed(0)} | ${(l.length / seconds).toFixed(1)} |`;

// Direct: hub -> serveWebSocket -> client.
const rig = await startRig(1, maxWidth);
await sleep(3000);
rig.take();
await sleep(seconds * 1000);
const direct = rig.take();
await rig.close();

// Through Redis: hub -> toRedisStream -> Redis -> gateway -> client.
const redis = await startRedis();
const connection = await connectRedis(redis.url);
const model = await AUModel.create(DEFAULT_MODEL_PATH, { maxWaitMs: 5 });
const hub = await StreamHub.create({ model });
const sources = [{ sourceId: 'cam-1', kind: 'file' }];
const appending = hub.records
  .pipe(toRedisStream(connection, { sources, model: model.card, maxLen: 10_000 }))
  .subscribe();
await sleep(200);
const gateway = await serveGateway(connection);
const client = await collect(gateway.url);
hub.add('cam-1', playAsLive(fromFile(SAMPLE, { sourceId: 'cam-1', maxWidth }), { loop: true }));
await sleep(3000);
client.take();
await sleep(seconds * 1000);
const viaRedis = client.take();
client.close();
await hub.close();
appending.unsubscribe();
await gateway.close();
await model.dispose();
connection.disconnect();
await redis.stop();

console.log(`| path | p50 ms | p95 ms | frames/s at the client |\n| --- | ---: | ---: | ---: |`);
console.log(row('hub -> WebSocket (serve)', direct));
console.log(row('hub -> Redis Stream -> gateway -> WebSocket', viaRedis));
