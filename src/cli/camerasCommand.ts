/**
 * `auformer cameras add|remove|list --queue redis://...`: the cameras `auformer worker --live`
 * hosts share out. Credentials never go into Redis: `--credentials-env VAR` or
 * `--credentials-file PATH` names where each host reads `user:password`.
 */
import { parseArgs } from 'node:util';
import type { CommandIO } from './analyzeCommand.js';
import { jobPipelineOptions, QUEUE_OPTIONS, QUEUE_USAGE, requireQueue } from './distributedArgs.js';
import {
  asUsageError,
  int,
  PIPELINE_OPTIONS,
  parsePipelineValues,
  pipelineUsage,
  rejectOptions,
  UsageError,
} from './pipelineArgs.js';

/** Set on the `--live` worker, not per camera: its model and how it runs. */
const WORKER_SIDE = [
  'out',
  'model',
  'infer',
  'infer-token',
  'infer-timeout',
  'batch',
  'threads',
  'mesh-points',
] as const;

export const CAMERAS_USAGE = `Usage: auformer cameras <add <id> <rtsp-url|file>|remove <id>|list> --queue <redis://host:port>

  add <id> <url>   a camera for the --live workers (an RTSP URL without credentials, or a file)
  remove <id>      stop it wherever it runs (within half a second) and forget it
  list             one line per camera: id, state, holder host, lease epoch, url

Options:
${QUEUE_USAGE}
  --loop                   files: start again at the end
  --credentials-env <VAR>  each host reads user:password from this environment variable
  --credentials-file <P>   ... or from this file (e.g. a mounted secret)
  --max-len <n>            results kept in the camera's stream (default 36000)
  --no-stream-mesh         keep face meshes out of the stream (7.6 kB -> 0.8 kB per one-face
                           record; pose and geometry stay)
Pipeline of the camera (the model is the worker's: auformer worker --live --model):
${pipelineUsage(WORKER_SIDE)}`;

export async function runCameras(argv: readonly string[], io: CommandIO): Promise<number> {
  const parsed = asUsageError(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        ...PIPELINE_OPTIONS,
        ...QUEUE_OPTIONS,
        loop: { type: 'boolean' },
        'credentials-env': { type: 'string' },
        'credentials-file': { type: 'string' },
        'max-len': { type: 'string' },
        'no-stream-mesh': { type: 'boolean' },
      },
    }),
  );
  const v = parsed.values;
  if (v.help) {
    io.stdout.write(`${CAMERAS_USAGE}\n`);
    return 0;
  }
  const [action, id, url] = parsed.positionals;
  if (action === 'add' && (id === undefined || url === undefined))
    throw new UsageError('cameras add needs <id> <url>');
  if (action === 'remove' && id === undefined) throw new UsageError('cameras remove needs <id>');
  if (action !== 'add' && action !== 'remove' && action !== 'list') {
    throw new UsageError(`give an action: add, remove or list (got '${action ?? ''}')`);
  }
  if (v['credentials-env'] !== undefined && v['credentials-file'] !== undefined) {
    throw new UsageError('give --credentials-env or --credentials-file, not both');
  }
  rejectOptions(v, WORKER_SIDE, 'set these on the --live worker, not per camera');
  const options = jobPipelineOptions(parsePipelineValues(v, []));
  const maxLen = int('max-len', v['max-len'], 1);
  const { CameraRegistry } = await import('../distributed/index.js');
  const cameras = await CameraRegistry.connect(
    requireQueue(v.queue),
    v['queue-name'] ? { name: v['queue-name'] } : {},
  );
  try {
    if (action === 'add') {
      const credentials = v['credentials-env']
        ? { env: v['credentials-env'] }
        : v['credentials-file']
          ? { file: v['credentials-file'] }
          : undefined;
      await cameras.add({
        id: id!,
        url: url!,
        loop: v.loop === true,
        ...(credentials ? { credentials } : {}),
        ...(maxLen === undefined ? {} : { maxLen }),
        ...(v['no-stream-mesh'] ? { streamMesh: false } : {}),
        options,
      });
    } else if (action === 'remove') await cameras.remove(id!);
    else {
      for (const c of await cameras.list()) {
        io.stdout.write(
          `${[c.id, c.state, c.lease?.host ?? '-', c.lease?.epoch ?? '-', c.url].join('  ')}\n`,
        );
      }
    }
    return 0;
  } finally {
    await cameras.close();
  }
}
