/**
 * The distributed commands as a user runs them: `auformer submit --wait` with progress,
 * `auformer jobs list|status|clean`, a worker that drains on SIGTERM (its active job completes,
 * then it exits 0), `auformer cameras add` with pipeline options, and usage errors (exit 2)
 * before anything touches Redis.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { from, lastValueFrom } from 'rxjs';
import { ArchiveQueue, CameraRegistry, connectRedis, toRedisStream } from '../../src/distributed/index.js';
import { makeTempDir, REPO_ROOT } from '../helpers/media.js';
import { sampleFrame, TestClient } from '../websocket.helpers.js';
import { makeClips, spawnWorker, waitFor, type WorkerProcess } from './archiveHelpers.js';
import { startRedis, type RedisServer } from './redisServer.js';

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function auformer(args: readonly string[], timeoutMs = 90_000): Promise<Result> {
  const cli = ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, cli, { cwd: REPO_ROOT, timeout: timeoutMs }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('auformer submit / worker / jobs / gateway', { timeout: 150_000 }, () => {
  let redis: RedisServer;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  const workers: WorkerProcess[] = [];
  before(async () => {
    [redis, temp] = await Promise.all([startRedis(), makeTempDir()]);
  });
  after(async () => {
    for (const w of workers) w.kill9();
    await Promise.all(workers.map((w) => w.exited));
    await redis.stop();
    await temp.cleanup();
  });

  it('usage errors exit 2 and name the missing option', async () => {
    const noQueue = await auformer(['submit', 'a.mp4', '--out', temp.dir]);
    assert.equal(noQueue.code, 2);
    assert.match(noQueue.stderr, /--queue <redis:\/\/host:port> is required/);
    assert.match(noQueue.stderr, /Usage: auformer submit/);
    const badChunk = await auformer([
      'submit',
      'a.mp4',
      '--out',
      temp.dir,
      '--queue',
      redis.url,
      '--chunk',
      'soon',
    ]);
    assert.equal(badChunk.code, 2);
    assert.match(badChunk.stderr, /--chunk must be a duration like 90s/);
    const noAction = await auformer(['jobs', '--queue', redis.url]);
    assert.equal(noAction.code, 2);
    const unreachable = await auformer(['jobs', 'list', '--queue', 'redis://127.0.0.1:1']);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /AUF_ERR_REDIS_CONNECT/);
    const cameraModel = await auformer([
      'cameras',
      'add',
      'c',
      'a.mp4',
      '--queue',
      redis.url,
      '--model',
      'm.onnx',
    ]);
    assert.equal(cameraModel.code, 2);
    assert.match(cameraModel.stderr, /--model: set these on the --live worker/);
  });

  it('submit of a folder queues the video files directly in it, sorted; an empty one is refused', async () => {
    const [clip] = await makeClips(temp.dir, 1, 1.5);
    const folder = join(temp.dir, 'interviews');
    await mkdir(join(folder, 'sub'), { recursive: true });
    for (const name of ['b.MOV', 'a.mp4', '.hidden.mp4', 'sub/c.mp4'])
      await copyFile(clip!, join(folder, name));
    await writeFile(join(folder, 'notes.txt'), 'not a video');
    const queue = await ArchiveQueue.connect(redis.url, { name: 'folder' });
    try {
      const jobs = await queue.submit([folder], { outDir: join(temp.dir, 'folder-out') });
      assert.deepEqual(
        jobs.map((j) => basename(j.input)),
        ['a.mp4', 'b.MOV'],
      );
      const empty = join(temp.dir, 'empty');
      await mkdir(empty);
      await writeFile(join(empty, 'readme.txt'), 'no videos here');
      await assert.rejects(queue.submit([empty], { outDir: temp.dir }), {
        code: 'AUF_ERR_INVALID_OPTION',
        message: /no video files .* directly in folder/,
      });
    } finally {
      await queue.close();
    }
  });

  it('cameras add carries the pipeline options a camera runs with', async () => {
    const args = ['cameras', 'add', 'door', 'a.mp4', '--queue', redis.url, '--fps', '5', '--smooth', 'ema'];
    const added = await auformer([
      ...args,
      '--events',
      '--no-landmarks',
      '--detector',
      'full',
      '--no-stream-mesh',
    ]);
    assert.equal(added.code, 0, added.stderr);
    const cameras = await CameraRegistry.connect(redis.url);
    try {
      const [door] = await cameras.list();
      assert.deepEqual(door?.options, {
        detector: { model: 'full' },
        track: {},
        landmarks: false,
        infer: {},
        smooth: { method: 'ema' },
        events: {},
        source: { fps: 5 },
      });
      assert.equal(door?.streamMesh, false);
      await cameras.remove('door');
    } finally {
      await cameras.close();
    }
  });

  it('submit --wait follows the batch to the end; jobs list, status and clean', async () => {
    const clips = await makeClips(temp.dir, 2, 1.5);
    const out = join(temp.dir, 'out');
    workers.push(spawnWorker(redis.url));
    const submitted = await auformer(['submit', ...clips, '--queue', redis.url, '--out', out, '--wait']);
    assert.equal(submitted.code, 0, submitted.stderr);
    const ids = submitted.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[0]!);
    assert.equal(ids.length, 2);
    assert.match(submitted.stderr, /2\/2 jobs done, 0 failed, 100% of 0:03 media/);
    await stat(join(out, 'clip1', '_SUCCESS.json'));
    const again = await auformer(['submit', ...clips, '--queue', redis.url, '--out', out]);
    assert.match(again.stdout, /\(already submitted\)\n.*\(already submitted\)\n$/);
    const list = await auformer(['jobs', 'list', '--queue', redis.url]);
    assert.equal(list.stdout.trim().split('\n').length, 2);
    assert.match(list.stdout, new RegExp(`${ids[0]}  completed  parts=1/1`));
    const status = await auformer(['jobs', 'status', ids[1]!, '--queue', redis.url]);
    assert.equal(status.code, 0);
    assert.equal((JSON.parse(status.stdout) as { state: string }).state, 'completed');
    const missing = await auformer(['jobs', 'status', 'auf-nope', '--queue', redis.url]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /AUF_ERR_JOB_NOT_FOUND/);
    const clean = await auformer(['jobs', 'clean', '--queue', redis.url]);
    assert.match(clean.stdout, /removed 4 jobs/);
  });

  it('SIGTERM drains: the active job completes, then the worker exits 0', async () => {
    for (const w of workers.splice(0)) {
      w.kill9();
      await w.exited;
    }
    const [clip] = await makeClips(join(temp.dir), 1, 4);
    const worker = spawnWorker(redis.url);
    workers.push(worker);
    const queue = await ArchiveQueue.connect(redis.url);
    try {
      const [job] = await queue.submit([clip!], { outDir: join(temp.dir, 'drain') });
      await waitFor('the part to run', 60_000, async () =>
        (await queue.status(job!.id)).doneMs > 0 ? true : undefined,
      );
      worker.child.kill('SIGTERM');
      assert.equal(await worker.exited, 0, worker.stderr());
      assert.match(worker.stderr(), /draining/);
      const status = await queue.status(job!.id);
      assert.equal(status.partStates[0], 'completed', 'the active part finished before exit');
    } finally {
      await queue.close();
    }
  });

  it('gateway --from serves the streams to a WebSocket viewer and stops on SIGTERM', async () => {
    const cli = ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), 'gateway', '--from', redis.url];
    const child = spawn(
      process.execPath,
      [...cli, '--ws', '127.0.0.1:0', '--prefix', 'cli', '--metrics', '127.0.0.1:0'],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const url = await waitFor(
        'the gateway URL',
        30_000,
        async () => /listening on (ws:\S+)/.exec(stderr)?.[1],
      );
      const { client } = await TestClient.open(url);
      client.send({ type: 'subscribe', sources: '*' });
      await client.next('subscription');
      const connection = await connectRedis(redis.url);
      await waitFor('the frame', 20_000, async () => {
        await lastValueFrom(
          from([sampleFrame('cam9', 7)]).pipe(
            toRedisStream(connection, { prefix: 'cli', sources: [{ sourceId: 'cam9', kind: 'rtsp' }] }),
          ),
          {
            defaultValue: undefined,
          },
        );
        return client.all('frame').length > 0 ? true : undefined;
      });
      assert.equal(client.all('frame')[0]?.index, 7);
      const metricsUrl = /metrics on (http:\S+)/.exec(stderr)?.[1];
      assert.ok(metricsUrl, stderr);
      const metrics = await (await fetch(metricsUrl)).text();
      assert.match(metrics, /^auformer_gateway_clients 1$/m);
      assert.match(metrics, /^auformer_stream_length\{source="cam9"\} [1-9]\d*$/m);
      assert.match(metrics, /^# TYPE auformer_gateway_records_total counter$/m);
      const health = await fetch(metricsUrl.replace('/metrics', '/healthz'));
      assert.equal(health.status, 200);
      connection.disconnect();
      await client.dispose();
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /gateway stopped/);
  });
});
