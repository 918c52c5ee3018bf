/**
 * `auformer serve`: a thin shell over `StreamHub`, `serveWebSocket` and the file sinks.
 *
 * One model, one hub, one WebSocket server; every input becomes a live source (RTSP via
 * `fromRtsp`, `/dev/videoN` via `fromWebcam`, files via `playAsLive`). stderr gets the bound
 * URL (`listening on ws://...`), a line per source state change, and per-source metrics every
 * `--status-every` seconds. SIGINT / SIGTERM: the hub stops (ffmpeg killed), file sinks are
 * flushed and closed, clients get close code 1001, the model is released; exit 130 / 0. Files
 * without `--loop` end the run when they all end (exit 0; 1 when every source failed).
 */
import { type MonoTypeOperatorFunction, Subscription } from 'rxjs';
import { publishHubMetrics } from '../dashboard/publishHubMetrics.js';
import { type DashboardServer, serveDashboard } from '../dashboard/serveDashboard.js';
import { type HubSourceMetrics, type HubSource, StreamHub } from '../hub/StreamHub.js';
import { playAsLive } from '../hub/playAsLive.js';
import { openAUModel } from '../remote/openAUModel.js';
import { DEFAULT_MODEL_PATH } from '../model/defaultModel.js';
import { describeSmoothing } from '../operators/smoothAUs.js';
import { serveWebSocket } from '../sinks/serveWebSocket.js';
import { toCsv } from '../sinks/toCsv.js';
import { toJsonLines } from '../sinks/toJsonLines.js';
import { toWebSocket } from '../sinks/toWebSocket.js';
import type { WebSocketServerHandle } from '../sinks/ws/webSocketServerHandle.js';
import { fromFile } from '../sources/fromFile.js';
import { fromRtsp } from '../sources/fromRtsp.js';
import { fromWebcam } from '../sources/fromWebcam.js';
import type { SourceInfo } from '../types/frame.js';
import type { ModelCard } from '../types/model.js';
import type { AnalysisRecord } from '../types/result.js';
import type { CommandIO } from './analyzeCommand.js';
import { SERVE_USAGE, type ServeArgs, type ServeInput, parseServeArgs } from './serveArgs.js';

type Outcome = 'SIGINT' | 'SIGTERM' | 'ended' | Error;

export async function runServe(argv: readonly string[], io: CommandIO): Promise<number> {
  const args = parseServeArgs(argv);
  if (args.help) {
    io.stdout.write(`${SERVE_USAGE}\n`);
    return 0;
  }
  const model = await openAUModel(args.inferUrls ?? args.modelPath ?? DEFAULT_MODEL_PATH, args.modelOptions);
  try {
    if (model.card.untrained) {
      io.stderr.write(
        `NOTICE: model '${model.card.name}' is UNTRAINED: its AU values are meaningless (use --model).\n`,
      );
    }
    const hub = await StreamHub.create({ model, ...args.hub, preview: args.preview ? {} : false });
    let server: WebSocketServerHandle | undefined;
    let dashboard: DashboardServer | undefined;
    try {
      const token = args.token === undefined ? {} : { token: args.token };
      const address = { host: args.host, port: args.port };
      // --dashboard: the page and the WebSocket share one HTTP server (same origin, same port).
      dashboard = args.dashboard ? await serveDashboard({ ...address, ...token }) : undefined;
      const listenOn = dashboard === undefined ? address : { server: dashboard.server };
      server = await serveWebSocket({
        ...listenOn,
        model: model.card,
        ...token,
        meshPoints: args.meshPoints,
      });
      io.stderr.write(`listening on ${server.url}\n`);
      if (dashboard !== undefined) io.stderr.write(`dashboard on ${dashboard.url}\n`);
      return await run(args, hub, server, model.card, io);
    } finally {
      await hub.close(); // first: completes records, so the file sinks flush and close
      await server?.close(); // clients get a notice and close code 1001
      await dashboard?.close();
    }
  } finally {
    await model.dispose();
  }
}

async function run(
  args: ServeArgs,
  hub: StreamHub,
  server: WebSocketServerHandle,
  card: ModelCard,
  io: CommandIO,
): Promise<number> {
  const infos: SourceInfo[] = args.inputs.map((i) => ({ sourceId: i.sourceId, kind: i.kind }));
  const subs = new Subscription();
  let outcome: Outcome;
  let final: HubSourceMetrics[] = [];
  try {
    outcome = await new Promise<Outcome>((resolve) => {
      const written = sinks(args, card, infos).reduce(
        (records, sink) => records.pipe(sink),
        hub.records.pipe(toWebSocket(server)),
      );
      subs.add(written.subscribe({ error: (e: Error) => resolve(e) }));
      const states = new Map<string, string>();
      subs.add(
        hub.status.subscribe((s) => {
          server.updateSource(s);
          if (states.get(s.sourceId) !== s.state) {
            const why = s.error ? ` (${s.error.code}: ${s.error.message})` : '';
            io.stderr.write(`${stamp()} ${s.sourceId}: ${s.state}${why}\n`);
          }
          states.set(s.sourceId, s.state);
          const over = [...states.values()].every((state) => state === 'ended' || state === 'failed');
          if (over && states.size === args.inputs.length) resolve('ended');
        }),
      );
      const onSigint = (): void => resolve('SIGINT');
      const onSigterm = (): void => resolve('SIGTERM');
      process.once('SIGINT', onSigint).once('SIGTERM', onSigterm);
      subs.add(() => process.off('SIGINT', onSigint).off('SIGTERM', onSigterm));
      if (args.statusEveryMs > 0) {
        const timer = setInterval(() => {
          for (const m of hub.metrics()) io.stderr.write(`${statusLine(m)}\n`);
        }, args.statusEveryMs);
        subs.add(() => clearInterval(timer));
      }
      // The dashboard shows fps and latency: send the hub's metrics as periodic status messages.
      if (args.dashboard) subs.add(publishHubMetrics(hub, server));
      // --preview: about one JPEG a second per source, to the clients subscribed to it.
      subs.add(hub.previews.subscribe((image) => server.publishPreview(image)));
      for (const input of args.inputs) hub.add(input.sourceId, openInput(input, args));
      server.setSources(infos);
    });
  } finally {
    final = hub.metrics();
    await hub.close(); // records complete: file sinks write what they hold and close
    subs.unsubscribe();
  }
  for (const m of final) io.stderr.write(`${statusLine(m)}\n`);
  io.stderr.write(`stopped (${outcome instanceof Error ? 'error' : outcome})\n`);
  if (outcome instanceof Error) throw outcome;
  if (outcome === 'SIGINT') return 130;
  return outcome === 'ended' && final.length > 0 && final.every((m) => m.state === 'failed') ? 1 : 0;
}

function openInput(input: ServeInput, args: ServeArgs): HubSource {
  const { sourceId } = input;
  const size = args.source;
  switch (input.kind) {
    case 'rtsp':
      return fromRtsp(input.target, { sourceId, transport: args.transport, ...size });
    case 'webcam':
      return fromWebcam(input.target, { sourceId, ...size });
    case 'file':
      return playAsLive(fromFile(input.target, { sourceId, ...size }), { loop: args.loop });
  }
}

function sinks(
  args: ServeArgs,
  card: ModelCard,
  sources: SourceInfo[],
): MonoTypeOperatorFunction<AnalysisRecord>[] {
  const { smooth, track, events } = args.hub;
  const smoothing =
    smooth === undefined || smooth === false ? { method: 'none' } : describeSmoothing({ ...smooth, card });
  const options = { tracking: track !== false, smoothing, events: events !== undefined && events !== false };
  return args.outputs.map((path) =>
    path.toLowerCase().endsWith('.csv')
      ? toCsv(path, {
          auNames: card.auNames,
          thresholds: card.thresholds,
          smoothed: smoothing.method !== 'none',
        })
      : toJsonLines(path, { header: { model: card, sources, options } }),
  );
}

/** `12:00:05 cam-1 live in 29.8 fps out 29.5 fps dropped 3 latency p50 45 ms p95 80 ms batch 31%` */
export function statusLine(m: HubSourceMetrics): string {
  return (
    `${stamp()} ${m.sourceId} ${m.state} in ${m.fpsIn.toFixed(1)} fps out ${m.fpsOut.toFixed(1)} fps ` +
    `dropped ${m.dropped} latency p50 ${Math.round(m.latencyMs.p50)} ms p95 ${Math.round(m.latencyMs.p95)} ms ` +
    `batch ${Math.round(m.batchFill * 100)}%`
  );
}

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}
