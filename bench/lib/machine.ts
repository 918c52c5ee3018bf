/**
 * What a bench ran on, for bench/RESULTS.md: cores, CPU model, RAM, load average, Node,
 * onnxruntime-node and the ffmpeg binary. Figures from a shared machine mean little without
 * the load average beside them.
 *
 * @example
 * console.log(machineReport(await resolveFfmpeg())); // "- cores (nproc): 2\n- CPU: AMD EPYC ..."
 */
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { describeBinary, type FfmpegBinary } from '../../src/ffmpeg/resolveFfmpeg.js';

/** onnxruntime-node's installed version, read from its package.json. */
export function onnxruntimeVersion(): string {
  const url = new URL('../../node_modules/onnxruntime-node/package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

/** The 1/5/15-minute load averages, e.g. "2.10 1.85 1.60". */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** A Markdown bullet list describing the machine and the software versions. */
export function machineReport(ffmpeg: FfmpegBinary): string {
  const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(1);
  return [
    `- cores (nproc): ${cpus().length}`,
    `- CPU: ${cpus()[0]?.model ?? 'unknown'}`,
    `- RAM: ${gib(totalmem())} GiB (${gib(freemem())} GiB free at start)`,
    `- load average at start (1/5/15 min): ${loadAverage()}`,
    `- Node ${process.version}, onnxruntime-node ${onnxruntimeVersion()}`,
    `- ffmpeg: ${describeBinary(ffmpeg)} (${ffmpeg.source})`,
  ].join('\n');
}
