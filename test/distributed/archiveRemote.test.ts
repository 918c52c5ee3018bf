/**
 * Archive jobs and camera hosts on an inference server: a real `auformer infer-server` process
 * (with a bearer token) and redis-server on 127.0.0.1. `submit --infer` gives the outputs of a
 * local single-process `analyze` (1e-5 with FP32 crops); the token never reaches Redis; an
 * unreachable server fails at submit with its code, and one that dies fails the part as a
 * transient error (retried), and a part whose server comes back resumes from its checkpoint;
 * a `--live` host with `inferUrls` streams records.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { before, describe, it } from 'node:test';
import { firstValueFrom, filter } from 'rxjs';
import type { CommandIO } from '../../src/cli/analyzeCommand.js';
import { UsageError } from '../../src/cli/pipelineArgs.js';
import { runSubmit } from '../../src/cli/submitCommand.js';
import { runWorker } from '../../src/cli/workerCommand.js';
import {
  ArchiveQueue,
  CameraRegistry,
  connectRedis,
  fromRedisStream,
  type MergeJobData,
  startCameraWorker,
} from '../../src/distributed/index.js';
import { startServerProcess, type ServerProcess } from '../remote/serverProcess.js';
import {
  assertSameCsv,
  jobCompleted,
  makeClips,
  referenceCsv,
  startTestWorker,
  useArchiveEnv,
  waitFor,
} from './archiveHelpers.js';
import { freePort } from './redisServer.js';

const TOKEN = 'archive-remote-secret';
/** docs/remote-inference.md: UINT8 crops against a local FP32 model, tiny model. */
const UINT8_TOLERANCE = 1e-3;

function captureIO(): CommandIO & { out: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  const stream = stdout as unknown as NodeJS.WriteStream;
  return { stdout: stream, stderr: new PassThrough() as unknown as NodeJS.WriteStream, out: () => text };
}

describe('archive jobs and cameras on an inference server', { timeout: 120_000 }, () => {
  const env = useArchiveEnv();
  let server: ServerProcess;
  let clips: string[];
  before(async () => {
    process.env.AUFORMER_INFER_TOKEN = TOKEN; // the workers' (and their children's) token
    env.closers.push(async () => void delete process.env.AUFORMER_INFER_TOKEN);
    [server, clips] = await Promise.all([
      startServerProcess(0, ['--token', TOKEN]),
      makeClips(env.temp.dir, 2, 1.5),
    ]);
    env.closers.push(() => server.kill());
    await startTestWorker(env);
  });

  it('submit --infer: the outputs of a local analyze, no token in Redis, a resubmit is a no-op', async () => {
    const out = join(env.temp.dir, 'out');
    const [fp32] = await env.queue.submit([clips[0]!], {
      outDir: out,
      inferUrls: [server.url],
      inferToken: TOKEN,
      options: { modelOptions: { datatype: 'FP32' } },
    });
    const io = captureIO();
    const argv = [clips[1]!, '--queue', env.redis.url, '--out', out, '--infer', server.url];
    assert.equal(await runSubmit([...argv, '--infer-token', TOKEN], io), 0);
    const uint8Id = io.out().split(' ')[0]!;
    await jobCompleted(env.queue, fp32!.id, 60_000);
    await jobCompleted(env.queue, uint8Id, 60_000);

    const crops = await servedCrops(server.url);
    assert.ok(crops >= 80, `the workers' crops went to the server: ${crops}`);
    const expected = await referenceCsv(clips[0]!, join(env.temp.dir, 'expected0.csv'), env.model);
    assert.ok((await assertSameCsv(join(out, 'clip0', 'clip0.csv'), expected)) >= 40);
    const expected1 = await referenceCsv(clips[1]!, join(env.temp.dir, 'expected1.csv'), env.model);
    await assertSameCsv(join(out, 'clip1', 'clip1.csv'), expected1, UINT8_TOLERANCE);
    const manifest = JSON.parse(await readFile(join(out, 'clip0', '_SUCCESS.json'), 'utf8')) as {
      model: unknown;
    };
    assert.deepEqual(manifest.model, env.model.card, 'the merge wrote the card the server reported');

    const data = await jobData(env.redis.url, uint8Id);
    assert.ok('urls' in data.model && data.model.datatype === 'UINT8', JSON.stringify(data.model));
    assert.deepEqual(await redisValuesWith(env.redis.url, TOKEN), [], 'the token is not in Redis');

    const again = await env.queue.submit([clips[0]!], {
      outDir: out,
      inferUrls: [server.url],
      options: { modelOptions: { datatype: 'FP32' } },
    });
    assert.deepEqual(
      again.map((j) => [j.id, j.duplicate]),
      [[fp32!.id, true]],
    );
    const io2 = captureIO();
    assert.equal(await runSubmit(argv, io2), 0);
    assert.match(io2.out(), new RegExp(`^${uint8Id} .*\\(already submitted\\)`));
  });

  it('bad combinations are usage errors; an unreachable server fails the submit with its code', async () => {
    const io = captureIO();
    const q = ['--queue', env.redis.url];
    await assert.rejects(runWorker([...q, '--infer', server.url], io), UsageError);
    await assert.rejects(runWorker([...q, '--batch', '4'], io), /--batch: only --live hosts take these/);
    await assert.rejects(
      runWorker([...q, '--live', '--capacity', '1', '--model', 'm.onnx', '--infer', server.url], io),
      UsageError,
    );
    await assert.rejects(
      runSubmit([clips[0]!, ...q, '--out', 'x', '--model', 'm.onnx', '--infer', server.url], io),
      UsageError,
    );
    await assert.rejects(
      env.queue.submit([clips[0]!], { outDir: 'x', options: { modelOptions: { token: TOKEN } } }),
      { code: 'AUF_ERR_INVALID_OPTION', message: /AUFORMER_INFER_TOKEN/ },
    );
    const closed = `http://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    await assert.rejects(
      runSubmit([clips[0]!, ...q, '--out', 'x', '--infer', closed, '--infer-timeout', '1'], io),
      { code: 'AUF_ERR_REMOTE_UNREACHABLE' },
    );
    assert.ok(Date.now() - started < 5000, `failed in ${Date.now() - started} ms`);
  });

  it('a --live host with inferUrls streams records of the server', async () => {
    const host = await startCameraWorker(env.redis.url, {
      capacity: 1,
      name: 'cams',
      inferUrls: [server.url],
      onWarning: () => undefined,
    });
    const cameras = await CameraRegistry.connect(env.redis.url, { name: 'cams' });
    const redis = await connectRedis(env.redis.url);
    try {
      await cameras.add({ id: 'door', url: clips[0]!, loop: true, options: { source: { fps: 5 } } });
      const stream = fromRedisStream(redis, { sourceIds: ['door'], from: 'all', blockMs: 200 });
      const frame = await firstValueFrom(
        stream.pipe(filter((r) => r.type === 'frame' && r.faces.length > 0)),
      );
      assert.equal(frame.sourceId, 'door');
    } finally {
      await cameras.remove('door');
      await host.close();
      await cameras.close();
      redis.disconnect();
    }
  });

  it('a server that dies: the part fails as a transient error, retried, with its code', async () => {
    const queue = await ArchiveQueue.connect(env.redis.url, { name: 'dead' });
    env.closers.push(() => queue.close());
    const [job] = await queue.submit([clips[1]!], {
      outDir: join(env.temp.dir, 'dead'),
      inferUrls: [server.url],
      attempts: 2,
      backoffMs: 100,
      options: { modelOptions: { timeoutMs: 1000 } },
    });
    await server.kill();
    await startTestWorker(env, { name: 'dead', sandbox: false });
    const status = await waitFor('the failed job', 30_000, async () => {
      const s = await queue.status(job!.id);
      return s.state === 'failed' ? s : undefined;
    });
    assert.equal(status.code, 'AUF_ERR_REMOTE_UNREACHABLE', status.failedReason);
    assert.equal(status.attempts, 2, 'retried: not an unrecoverable error');
  });
});

describe('a part whose inference server dies and comes back', { timeout: 120_000 }, () => {
  const env = useArchiveEnv();

  it('resumes from its checkpoint: the output of a local analyze, no row lost or repeated', async () => {
    const [clip] = await makeClips(env.temp.dir, 1, 9); // long enough to be killed mid-part
    let server = await startServerProcess(0);
    env.closers.push(() => server.kill());
    const queue = await ArchiveQueue.connect(env.redis.url, { name: 'back' });
    env.closers.push(() => queue.close());
    const [job] = await queue.submit([clip!], {
      outDir: join(env.temp.dir, 'back'),
      inferUrls: [server.url],
      attempts: 5,
      backoffMs: 300,
      options: { modelOptions: { datatype: 'FP32', timeoutMs: 2000 } },
    });
    await startTestWorker(env, { name: 'back', sandbox: false });
    const atKill = await waitFor('a checkpoint', 60_000, async () => {
      const s = await queue.status(job!.id);
      return s.doneMs > 0 ? s.doneMs : undefined;
    });
    await server.kill();
    await new Promise((r) => setTimeout(r, 1500)); // the part fails on the dead server, then backs off
    server = await startServerProcess(server.port);
    const done = await jobCompleted(queue, job!.id, 90_000);
    assert.ok(done.attempts >= 2, `${done.attempts} attempts`);
    assert.ok(
      done.logs.some((line) => /^p0: resumed after \d+/.test(line)),
      `resumed from a checkpoint (killed at ${atKill} ms): ${done.logs.join(' | ')}`,
    );
    const expected = await referenceCsv(clip!, join(env.temp.dir, 'expected.csv'), env.model);
    const rows = await assertSameCsv(join(env.temp.dir, 'back', 'clip0', 'clip0.csv'), expected);
    assert.ok(rows >= 260, `${rows} rows, each once`);
  });
});

async function servedCrops(url: string): Promise<number> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return Number(/^auformer_infer_crops_total (\d+)$/m.exec(await response.text())?.[1]);
}

async function jobData(url: string, id: string): Promise<MergeJobData> {
  const redis = await connectRedis(url);
  try {
    return JSON.parse((await redis.hget(`bull:auformer-merge:${id}`, 'data')) ?? '{}') as MergeJobData;
  } finally {
    redis.disconnect();
  }
}

/** Keys of hashes and strings in Redis whose values contain `text`. */
async function redisValuesWith(url: string, text: string): Promise<string[]> {
  const redis = await connectRedis(url);
  try {
    const found: string[] = [];
    for (const key of await redis.keys('*')) {
      const type = await redis.type(key);
      const values =
        type === 'hash'
          ? Object.values(await redis.hgetall(key))
          : type === 'string'
            ? [await redis.get(key)]
            : [];
      if (values.some((v) => v?.includes(text))) found.push(key);
    }
    return found;
  } finally {
    redis.disconnect();
  }
}
