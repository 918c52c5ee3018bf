/**
 * Soak test: four live streams on one StreamHub and one model, published to a real WebSocket
 * client, for N minutes; the process RSS (and V8 heap) sampled every 10 s must plateau.
 *
 *   node --import tsx --expose-gc bench/soak.ts [--minutes 10] [--streams 4] [--max-width 640]
 *
 * Prints one row per sample, then the verdict: the largest RSS of the first third (after a
 * one-minute warm-up when the run is long enough) against that of the last third. With
 * `--expose-gc` a full GC runs before each sample, so the heap column shows live memory
 * rather than garbage not yet collected.
 */
import { parseArgs } from 'node:util';
import { startRig } from './latency.js';
import { plateauVerdict } from './lib/rss.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    streams: { type: 'string', default: '4' },
    'max-width': { type: 'string', default: '640' },
    'every-s': { type: 'string', default: '10' },
  },
});
const minutes = Number(values.minutes);
const streams = Number(values.streams);
const everyMs = Number(values['every-s']) * 1000;
const maxWidth = values['max-width'] === '0' ? undefined : Number(values['max-width']);
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const gc = (globalThis as { gc?: () => void }).gc;

interface Sample {
  readonly atS: number;
  readonly rss: number;
  readonly heap: number;
  readonly external: number;
}

const rig = await startRig(streams, maxWidth);
const started = Date.now();
const samples: Sample[] = [];
console.log(
  `soak: ${streams} streams, ${minutes} min, max width ${maxWidth ?? 'full'}, gc ${gc ? 'forced' : 'natural'}`,
);
console.log('| t (s) | RSS MB | heap MB | external MB | frames out | dropped | ws messages | p50 ms |');
console.log('| ----- | ------ | ------- | ----------- | ---------- | ------- | ----------- | ------ |');
while (Date.now() - started < minutes * 60_000) {
  await new Promise((resolve) => setTimeout(resolve, everyMs));
  gc?.();
  const memory = process.memoryUsage();
  const metrics = rig.hub.metrics();
  const atS = Math.round((Date.now() - started) / 1000);
  samples.push({ atS, rss: memory.rss, heap: memory.heapUsed, external: memory.external });
  const sum = (pick: (m: (typeof metrics)[number]) => number): number =>
    metrics.reduce((a, m) => a + pick(m), 0);
  const p50 = metrics.reduce((a, m) => a + m.latencyMs.p50, 0) / Math.max(1, metrics.length);
  rig.take(); // the client's latencies are not needed here: keep the array small
  console.log(
    `| ${atS} | ${mb(memory.rss)} | ${mb(memory.heapUsed)} | ${mb(memory.external)} | ${sum((m) => m.framesOut)} | ` +
      `${sum((m) => m.dropped)} | ${rig.received()} | ${p50.toFixed(0)} |`,
  );
}
await rig.close();

console.log(plateauVerdict(samples, minutes));
