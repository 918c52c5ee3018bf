/**
 * End-to-end latency of live streams: frame capture (`capturedAtMs`, when the frame left the
 * player) to the WebSocket message arriving at a real `ws` client, p50/p95, for one 30 fps
 * stream and for four, all on one StreamHub and one model (the embedded tiny AUFormer).
 *
 *   node --import tsx bench/latency.ts [--seconds 20] [--max-width 640] [--streams 1,4] [--max-wait 5]
 *
 * Sources are assets/sample/faces.mp4 (1280x720, 30 fps, one face) played as live in real
 * time and looped (`playAsLive`), so a slow machine drops frames instead of queueing them:
 * read the latency together with fps out and dropped. The first 3 s (model warm-up, ffmpeg
 * start) are not measured.
 */
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { unpack } from 'msgpackr';
import WebSocket, { type RawData } from 'ws';
import { StreamHub } from '../src/hub/StreamHub.js';
import { playAsLive } from '../src/hub/playAsLive.js';
import { AUModel } from '../src/model/AUModel.js';
import { DEFAULT_MODEL_PATH } from '../src/model/defaultModel.js';
import { serveWebSocket } from '../src/sinks/serveWebSocket.js';
import { toWebSocket } from '../src/sinks/toWebSocket.js';
import type { WebSocketServerHandle } from '../src/sinks/ws/webSocketServerHandle.js';
import { fromFile } from '../src/sources/fromFile.js';

export const SAMPLE = join(fileURLToPath(new URL('..', import.meta.url)), 'assets/sample/faces.mp4');

/** A hub with `streams` looping live copies of the sample, a ws server and one subscribed client. */
export interface Rig {
  readonly model: AUModel;
  readonly hub: StreamHub;
  readonly server: WebSocketServerHandle;
  /** Capture-to-client latency of every frame message received since the last `take()`, in ms. */
  take(): number[];
  readonly received: () => number;
  close(): Promise<void>;
}

export async function startRig(streams: number, maxWidth: number | undefined, maxWaitMs = 5): Promise<Rig> {
  const model = await AUModel.create(DEFAULT_MODEL_PATH, { maxWaitMs });
  const hub = await StreamHub.create({ model });
  const server = await serveWebSocket({ port: 0, model: model.card });
  const publishing = hub.records.pipe(toWebSocket(server)).subscribe();
  const ws = new WebSocket(server.url);
  let latencies: number[] = [];
  let received = 0;
  ws.on('message', (data: RawData) => {
    const message = unpack(data as Buffer) as { type: string; capturedAtMs?: number };
    if (message.type !== 'frame' || message.capturedAtMs === undefined) return;
    received += 1;
    latencies.push(Date.now() - message.capturedAtMs);
  });
  await once(ws, 'open');
  ws.send(JSON.stringify({ type: 'subscribe', sources: '*' }));
  for (let i = 1; i <= streams; i++) {
    const sourceId = `cam-${i}`;
    const size = maxWidth === undefined ? {} : { maxWidth };
    hub.add(sourceId, playAsLive(fromFile(SAMPLE, { sourceId, ...size }), { loop: true }));
  }
  return {
    model,
    hub,
    server,
    take: () => {
      const out = latencies;
      latencies = [];
      return out;
    },
    received: () => received,
    close: async () => {
      ws.close();
      await hub.close();
      publishing.unsubscribe();
      await server.close();
      await model.dispose();
    },
  };
}

export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function measure(
  streams: number,
  seconds: number,
  maxWidth: number | undefined,
  maxWaitMs: number,
): Promise<string> {
  const rig = await startRig(streams, maxWidth, maxWaitMs);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  rig.take();
  const before = rig.hub.metrics();
  const batchesBefore = rig.model.stats.batches;
  const cropsBefore = rig.model.stats.crops;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const latencies = rig.take();
  const after = rig.hub.metrics();
  const framesIn = sum(after.map((m, i) => m.framesIn - (before[i]?.framesIn ?? 0)));
  const framesOut = sum(after.map((m, i) => m.framesOut - (before[i]?.framesOut ?? 0)));
  const dropped = sum(after.map((m, i) => m.dropped - (before[i]?.dropped ?? 0)));
  const batches = rig.model.stats.batches - batchesBefore;
  const meanBatch = batches > 0 ? (rig.model.stats.crops - cropsBefore) / batches : 0;
  await rig.close();
  const cells = [
    String(streams),
    fmt(percentile(latencies, 0.5)),
    fmt(percentile(latencies, 0.95)),
    (framesOut / seconds / streams).toFixed(1),
    `${((100 * dropped) / Math.max(1, dropped + framesIn)).toFixed(0)}%`,
    meanBatch.toFixed(2),
    String(latencies.length),
  ];
  return `| ${cells.join(' | ')} |`;
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const fmt = (ms: number): string => (Number.isNaN(ms) ? '-' : ms.toFixed(0));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '20' },
      'max-width': { type: 'string', default: '640' },
      streams: { type: 'string', default: '1,4' },
      'max-wait': { type: 'string', default: '5' },
    },
  });
  const seconds = Number(values.seconds);
  const maxWidth = values['max-width'] === '0' ? undefined : Number(values['max-width']);
  console.log(
    `latency: capture -> ws client, ${seconds} s per row, sample 30 fps, max width ${maxWidth ?? 'full'}, model maxWaitMs ${values['max-wait']}`,
  );
  console.log('| streams | p50 ms | p95 ms | fps out per stream | dropped | mean batch | messages |');
  console.log('| ------- | ------ | ------ | ------------------ | ------- | ---------- | -------- |');
  for (const streams of values.streams.split(',').map(Number)) {
    console.log(await measure(streams, seconds, maxWidth, Number(values['max-wait'])));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
