/** Parses `auformer serve` arguments into hub, server and source settings; usage errors are `UsageError`s. */
import { parseArgs } from 'node:util';
import { redactCredentials } from '../ffmpeg/mediaErrors.js';
import type { StreamHubOptions } from '../hub/StreamHub.js';
import type { OpenAUModelOptions } from '../remote/openAUModel.js';
import {
  PIPELINE_OPTIONS,
  PIPELINE_USAGE,
  UsageError,
  asUsageError,
  num,
  parsePipelineValues,
} from './pipelineArgs.js';

export const SERVE_USAGE = `Usage: auformer serve <rtsp-url|file|/dev/videoN...> [options]

Runs every input live on one shared model and streams AU results over WebSocket
(docs/websocket.md). Files play in real time at their timestamps; a slow machine drops
frames (latest wins) instead of falling behind. Ctrl-C stops cleanly (exit 130).

Options:
  --ws <host:port>     WebSocket address (default 127.0.0.1:8080; port 0 = any free port)
  --token <T>          clients must send this bearer token (header or ?token=)
  --dashboard          also serve the live web dashboard at http://<host:port>/ (docs/dashboard.md)
  --preview            send subscribers a 320 px JPEG of each source about once a second
                       ('preview' messages, drawn by the dashboard; one ffmpeg encode each)
  --out <file>         also write results to .csv or .jsonl; repeatable
  --loop               replay files from the start when they end
  --transport <t>      RTSP over 'tcp' (default) or 'udp'
  --status-every <s>   seconds between per-source status lines on stderr (default 5; 0 = off)
${PIPELINE_USAGE}`;

/** One input: how to open it and the id its records carry. */
export interface ServeInput {
  readonly kind: 'rtsp' | 'webcam' | 'file';
  /** The URL, device or path as given (credentials included: never print it). */
  readonly target: string;
  /** Unique among the inputs; URL credentials removed. */
  readonly sourceId: string;
}

export interface ServeArgs {
  readonly inputs: readonly ServeInput[];
  readonly host: string;
  readonly port: number;
  readonly token: string | undefined;
  /** Serve the web dashboard on the WebSocket's HTTP server (`--dashboard`). */
  readonly dashboard: boolean;
  /** Send low-rate JPEG previews of every source (`--preview`). */
  readonly preview: boolean;
  readonly outputs: readonly string[];
  readonly modelPath: string | undefined;
  /** `--infer` URLs, when the model runs on inference servers. */
  readonly inferUrls: readonly string[] | undefined;
  readonly modelOptions: OpenAUModelOptions;
  readonly hub: Omit<StreamHubOptions, 'model'>;
  /** `--mesh-points`: mesh points per face in WebSocket frame messages. */
  readonly meshPoints: 68 | 468;
  readonly loop: boolean;
  readonly source: { readonly maxWidth?: number; readonly fps?: number };
  readonly transport: 'tcp' | 'udp';
  /** 0 = no periodic status lines. */
  readonly statusEveryMs: number;
  readonly help: boolean;
}

const DEFAULTS = { host: '127.0.0.1', port: 8080, statusEverySeconds: 5, transport: 'tcp' } as const;

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const parsed = asUsageError(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        ...PIPELINE_OPTIONS,
        ws: { type: 'string' },
        token: { type: 'string' },
        dashboard: { type: 'boolean' },
        preview: { type: 'boolean' },
        loop: { type: 'boolean' },
        transport: { type: 'string' },
        'status-every': { type: 'string' },
      },
    }),
  );
  const v = parsed.values;
  const help = v.help === true;
  if (!help && parsed.positionals.length === 0)
    throw new UsageError('give at least one rtsp:// URL, video file or /dev/video device');
  const { host, port } = parseAddress(v.ws ?? `${DEFAULTS.host}:${DEFAULTS.port}`);
  const { outputs, modelPath, inferUrls, modelOptions, source, meshPoints, ...hub } = parsePipelineValues(
    v,
    [],
  );
  const transport = v.transport ?? DEFAULTS.transport;
  if (transport !== 'tcp' && transport !== 'udp')
    throw new UsageError(`--transport must be 'tcp' or 'udp', got '${transport}'`);
  if (v.token !== undefined && (v.token.length === 0 || /\s/.test(v.token))) {
    throw new UsageError('--token must be a non-empty string without whitespace');
  }
  return {
    inputs: toInputs(parsed.positionals),
    host,
    port,
    token: v.token,
    dashboard: v.dashboard === true,
    preview: v.preview === true,
    outputs,
    modelPath,
    inferUrls,
    modelOptions,
    hub,
    meshPoints,
    loop: v.loop === true,
    source,
    transport,
    statusEveryMs: (num('status-every', v['status-every'], 0) ?? DEFAULTS.statusEverySeconds) * 1000,
    help,
  };
}

/** `host:port`, `:port` or `[v6]:port`. */
export function parseAddress(text: string, option = 'ws'): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535)
    throw new UsageError(`--${option} must look like 127.0.0.1:8080 (port 0 = any free one), got '${text}'`);
  return { host: match[1] ?? (match[2] || DEFAULTS.host), port };
}

function toInputs(positionals: readonly string[]): ServeInput[] {
  const seen = new Map<string, number>();
  return positionals.map((target) => {
    const kind = /^rtsps?:\/\//i.test(target) ? 'rtsp' : /^\/dev\/video\d+$/.test(target) ? 'webcam' : 'file';
    const base = redactCredentials(target);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    // The same input twice is two sources (e.g. a load test): give each its own id.
    return { kind, target, sourceId: n === 1 ? base : `${base}#${n}` };
  });
}
