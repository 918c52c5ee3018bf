/**
 * `auformer infer-server`: serves one AUFormer model over KServe v2 HTTP/REST (Triton's protocol
 * subset) to decode hosts running `analyze|serve --infer http://host:port`. stderr gets the
 * model URL (`serving MODEL at http://...`); SIGINT / SIGTERM stop it gracefully (requests in
 * progress are answered, new ones get 503), exit 130 / 0.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_PATH } from '../model/defaultModel.js';
import type { ExecutionProvider } from '../model/onnx.js';
import { startInferServer } from '../server/inferServer.js';
import type { CommandIO } from './analyzeCommand.js';
import { UsageError, asUsageError, int, num } from './pipelineArgs.js';

export const INFER_SERVER_USAGE = `Usage: auformer infer-server [options]

Serves an AUFormer model to other hosts over KServe v2 HTTP/REST (the protocol of NVIDIA
Triton), batching the crops of all clients (docs/remote-inference.md).

Options:
  --model <file.onnx>    model to serve (default: the embedded UNTRAINED tiny model)
  --listen <host:port>   address (default 127.0.0.1:8000; port 0 = any free port)
  --token <T>            clients must send Authorization: Bearer T
  --batch <n>            model batch size (default 16)   --max-wait <ms>  batch wait (default 5)
  --max-queue <n>        crops waiting before requests get 429 (default 8 x batch)
  --max-body-bytes <n>   largest request body (default 67108864)
  --provider <p>         cpu | cuda | cuda:N | tensorrt (default cpu; docs/gpu.md)
  --threads <n>          onnxruntime intra-op threads (default: one per core)
  -h, --help             show this help`;

export async function runInferServer(argv: readonly string[], io: CommandIO): Promise<number> {
  const { values: v } = asUsageError(() =>
    parseArgs({
      args: [...argv],
      options: {
        model: { type: 'string' },
        listen: { type: 'string' },
        token: { type: 'string' },
        batch: { type: 'string' },
        'max-wait': { type: 'string' },
        'max-queue': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        provider: { type: 'string' },
        threads: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (v.help) {
    io.stdout.write(`${INFER_SERVER_USAGE}\n`);
    return 0;
  }
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(v.listen ?? '127.0.0.1:8000');
  if (!match || Number(match[3]) > 65535)
    throw new UsageError(`--listen must look like 127.0.0.1:8000, got '${v.listen}'`);
  if (v.provider !== undefined && !/^(cpu|cuda|tensorrt)(:\d+)?$/.test(v.provider)) {
    throw new UsageError(`--provider must be cpu, cuda, cuda:N, tensorrt or tensorrt:N, got '${v.provider}'`);
  }
  const batch = int('batch', v.batch, 1);
  const maxWait = num('max-wait', v['max-wait'], 0);
  const threads = int('threads', v.threads, 1);
  const maxQueue = int('max-queue', v['max-queue'], 1);
  const maxBody = int('max-body-bytes', v['max-body-bytes'], 1024);
  const server = await startInferServer({
    model: v.model ?? DEFAULT_MODEL_PATH,
    host: match[1] ?? (match[2] || '127.0.0.1'),
    port: Number(match[3]),
    ...(v.token === undefined ? {} : { token: v.token }),
    ...(maxQueue === undefined ? {} : { maxQueueCrops: maxQueue }),
    ...(maxBody === undefined ? {} : { maxBodyBytes: maxBody }),
    modelOptions: {
      ...(batch === undefined ? {} : { maxBatch: batch }),
      ...(maxWait === undefined ? {} : { maxWaitMs: maxWait }),
      ...(threads === undefined ? {} : { intraOpThreads: threads }),
      ...(v.provider === undefined ? {} : { executionProviders: [v.provider as ExecutionProvider] }),
    },
  });
  const { card } = server.model;
  if (card.untrained)
    io.stderr.write(
      `NOTICE: model '${card.name}' is UNTRAINED: its AU values are meaningless (use --model).\n`,
    );
  io.stderr.write(
    `serving ${card.name} ${card.version} (batch ${server.model.maxBatch}) at ${server.modelUrl}\n`,
  );
  const signal = await new Promise<'SIGINT' | 'SIGTERM'>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT')).once('SIGTERM', () => resolve('SIGTERM'));
  });
  io.stderr.write(`${signal}: finishing requests in progress\n`);
  await server.close();
  return signal === 'SIGINT' ? 130 : 0;
}
