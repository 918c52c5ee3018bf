/**
 * Time to first frame of an RTSP stream through the SDK's ffmpeg reader, for three input
 * settings: ffmpeg's defaults (`lowLatency: false`), `LOW_LATENCY_INPUT_ARGS` (`-flags
 * low_delay -probesize 32 -analyzeduration 0`, the default of `fromRtsp`), and the same plus
 * `-fflags nobuffer` (often recommended; it loses the probed keyframe). The server is the test
 * RTSP server on 127.0.0.1 (GStreamer, test/helpers/rtsp_server.py) serving the 640x360 30 fps
 * camera-like clip (H.264, no B-frames, a keyframe per second).
 *
 *   node --import tsx bench/latency-rtsp.ts [trials=8] [ffmpegPath]
 *
 * Measures spawn -> first rgb24 frame delivered (process start, RTSP handshake, probing, first
 * decode), cycling through the settings so machine load hits them alike. Prints min / median /
 * max in ms per setting and transport.
 */
import { performance } from 'node:perf_hooks';
import { firstValueFrom } from 'rxjs';
import { ffmpegFrames } from '../src/ffmpeg/ffmpegFrames.js';
import { rtspArgs } from '../src/ffmpeg/liveArgs.js';
import { resolveFfmpeg, type FfmpegBinary } from '../src/ffmpeg/resolveFfmpeg.js';
import { RtspServer } from '../test/helpers/rtspServer.js';

const trials = Number(process.argv[2] ?? 8);
const binary: FfmpegBinary = await resolveFfmpeg(process.argv[3]);

const SETTINGS = {
  'ffmpeg defaults': { lowLatency: false, extra: [] },
  'low-latency (default)': { lowLatency: true, extra: [] },
  'low-latency + nobuffer': { lowLatency: true, extra: ['-fflags', 'nobuffer'] },
} as const;
type Setting = keyof typeof SETTINGS;

async function timeToFirstFrame(url: string, setting: Setting, transport: 'tcp' | 'udp'): Promise<number> {
  const { lowLatency, extra } = SETTINGS[setting];
  const args = rtspArgs(binary, url, { transport, connectTimeoutMs: 5000, lowLatency });
  args.splice(args.indexOf('-i'), 0, ...extra);
  const start = performance.now();
  await firstValueFrom(
    ffmpegFrames(binary.path, args, { sourceId: 'bench', source: url, highWaterMark: 4, ptsMs: (ms) => ms }),
  );
  return performance.now() - start;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  return `min ${sorted[0]?.toFixed(0)}  median ${median.toFixed(0)}  max ${sorted[sorted.length - 1]?.toFixed(0)} ms`;
}

const server = await RtspServer.start();
try {
  console.log(
    `ffmpeg ${binary.path} ${binary.version}; ${trials} trials per setting; server ${server.url()}`,
  );
  for (const transport of ['tcp', 'udp'] as const) {
    const results = new Map<Setting, number[]>(Object.keys(SETTINGS).map((s) => [s as Setting, []]));
    await timeToFirstFrame(server.url(), 'ffmpeg defaults', transport); // warm-up (page cache, server)
    for (let i = 0; i < trials; i += 1) {
      for (const [setting, values] of results)
        values.push(await timeToFirstFrame(server.url(), setting, transport));
    }
    for (const [setting, values] of results)
      console.log(`${transport}  ${setting.padEnd(24)} ${summary(values)}`);
  }
} finally {
  await server.stop();
}
