/**
 * Connects to an auformer WebSocket server, subscribes, and prints each face's AU values.
 *
 *   npx tsx examples/ws-client.ts [url] [source ...]
 *
 * url defaults to $AUF_WS_URL or ws://127.0.0.1:8080/ws; sources default to every source
 * ("*"). The token comes from $AUF_TOKEN (sent as "Authorization: Bearer"). Example output:
 *
 *   model auformer-tiny 0.1.0, 12 AUs; sources: cam-1
 *   cam-1 #42 t=1400ms face 1: AU01 0.12  AU02 0.08  AU04 0.61* ...
 *
 * A `*` marks AUs at or above 0.5 (or active after smoothing). Stop with Ctrl-C.
 */
import { unpack } from 'msgpackr';
import WebSocket, { type RawData } from 'ws';
import type { HelloMessage, ServerMessage } from '../src/sinks/ws/protocol.js';

const [urlArg, ...sourceArgs] = process.argv.slice(2);
const url = urlArg ?? process.env['AUF_WS_URL'] ?? 'ws://127.0.0.1:8080/ws';
const token = process.env['AUF_TOKEN'];
const sources = sourceArgs.length > 0 ? sourceArgs : '*';

const ws = new WebSocket(url, token ? { headers: { Authorization: `Bearer ${token}` } } : {});

let refused = false;
ws.on('unexpected-response', (_req, res) => {
  refused = true;
  console.error(`refused: HTTP ${res.statusCode ?? '?'} (set AUF_TOKEN if the server needs a token)`);
  process.exitCode = 1;
  ws.terminate();
});
ws.on('error', (error) => {
  if (refused) return; // already explained above
  console.error(`connection error: ${error.message}`);
  process.exitCode = 1;
});
ws.on('close', (code, reason) => {
  if (!refused) console.error(`closed: ${code} ${reason.toString()}`);
});
ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', sources })));
ws.on('message', (data: RawData, isBinary: boolean) => {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
  const message = (isBinary ? unpack(bytes) : JSON.parse(bytes.toString('utf8'))) as ServerMessage;
  print(message);
});
process.once('SIGINT', () => ws.close(1000, 'bye'));

function print(message: ServerMessage): void {
  switch (message.type) {
    case 'hello':
      return printHello(message);
    case 'frame':
      for (const face of message.faces) {
        const values = Object.entries(face.smoothed ?? face.aus)
          .map(([au, p]) => `${au} ${p.toFixed(2)}${(face.active?.[au] ?? p >= 0.5) ? '*' : ' '}`)
          .join(' ');
        console.log(
          `${message.sourceId} #${message.index} t=${Math.round(message.ptsMs)}ms face ${face.trackId}: ${values}`,
        );
      }
      return;
    case 'event':
      console.log(
        `${message.sourceId} face ${message.trackId}: ${message.au} ${message.startMs}-${message.endMs}ms ` +
          `(peak ${message.peakProbability.toFixed(2)})`,
      );
      return;
    case 'status':
      console.log(`${message.sourceId} is ${message.state}${message.message ? `: ${message.message}` : ''}`);
      return;
    case 'error':
    case 'notice':
      console.error(`${message.type}: ${message.message}`);
      return;
    default:
      return;
  }
}

function printHello(hello: HelloMessage): void {
  const model = hello.model
    ? `${hello.model.name} ${hello.model.version}, ${hello.model.auNames.length} AUs`
    : 'none';
  const names = hello.sources.map((s) => s.sourceId).join(', ') || '(none yet)';
  console.log(`model ${model}; sources: ${names}; schema v${hello.schemaVersion}, ${hello.encoding}`);
}
