/**
 * What the archive-job tests share: short clips cut from the sample with ffmpeg, `auformer
 * worker` processes (their own process group, so kill -9 takes the sandboxed children too, as
 * a host crash would), the single-process reference CSV, and a CSV comparison within 1e-5.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { identity, lastValueFrom } from 'rxjs';
import {
  type ArchiveJobStatus,
  ArchiveQueue,
  type ArchiveWorker,
  type ArchiveWorkerOptions,
  startWorker,
} from '../../src/distributed/index.js';
import { analyze, type AnalyzeOptions, AUModel, toCsv, toEventsCsv } from '../../src/index.js';
import { DEFAULT_MODEL_PATH } from '../../src/index.js';
import { makeTempDir, REPO_ROOT, SAMPLE_FACES, SAMPLE_GROUP, run, SYSTEM_FFMPEG } from '../helpers/media.js';
import { startRedis, type RedisServer } from './redisServer.js';

/** `count` clips of `seconds` at 320 px wide, cut from the two samples at different offsets. */
export async function makeClips(dir: string, count: number, seconds: number): Promise<string[]> {
  const clips: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const out = join(dir, `clip${i}.mp4`);
    const [input, length] = i % 2 === 0 ? [SAMPLE_FACES, 6] : [SAMPLE_GROUP, 3];
    const start = ((i * 0.7) % Math.max(0.1, length - seconds)).toFixed(2);
    const loop = seconds > length ? ['-stream_loop', '-1'] : []; // longer than the sample: loop it
    await run(SYSTEM_FFMPEG, [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-ss', start, '-t', String(seconds), ...loop, '-i', input],
      ...['-vf', 'scale=320:-2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', out],
    ]);
    clips.push(out);
  }
  return clips;
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  /** SIGKILL to the whole process group (the worker and its sandboxed children). */
  kill9(): void;
}

/** `auformer worker` with a short lock (2 s) and stalled check (1 s), as the issue measured. */
export function spawnWorker(url: string, extra: readonly string[] = []): WorkerProcess {
  const args = ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), 'worker', '--queue', url];
  const child = spawn(process.execPath, [...args, '--lock', '2s', '--stalled-check', '1s', ...extra], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => stderr,
    exited,
    kill9: () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // already gone
      }
    },
  };
}

/** Waits for job `id` to complete and returns its status; a failed job fails the test with its reason. */
export function jobCompleted(
  queue: ArchiveQueue,
  id: string,
  timeoutMs = 120_000,
): Promise<ArchiveJobStatus> {
  return waitFor(`job ${id}`, timeoutMs, async () => {
    const s = await queue.status(id);
    assert.notEqual(s.state, 'failed', s.failedReason);
    return s.state === 'completed' ? s : undefined;
  });
}

/** Polls `check` every 200 ms until it returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The CSV a single-process `analyze` (what `auformer analyze` runs) writes for `input`, and its
 * events CSV at `<out>.events.csv` when `options.events` is set.
 */
export async function referenceCsv(
  input: string,
  out: string,
  model: AUModel,
  options: Omit<AnalyzeOptions, 'model'> = {},
): Promise<string> {
  const card = model.card;
  const smoothed = options.smooth !== undefined && options.smooth !== false;
  await lastValueFrom(
    analyze(input, { ...options, model }).pipe(
      toCsv(out, { auNames: card.auNames, thresholds: card.thresholds, smoothed }),
      options.events ? toEventsCsv(`${out}.events.csv`) : identity,
    ),
    { defaultValue: undefined },
  );
  return out;
}

/** Same header, same rows, same text in text cells, numbers within `tolerance`. */
export async function assertSameCsv(
  actualPath: string,
  expectedPath: string,
  tolerance = 1e-5,
): Promise<number> {
  const parse = async (p: string): Promise<string[][]> =>
    (await readFile(p, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => line.split(','));
  const [actual, expected] = [await parse(actualPath), await parse(expectedPath)];
  assert.deepEqual(actual[0], expected[0], 'header');
  assert.equal(actual.length, expected.length, `rows of ${actualPath}`);
  for (let r = 1; r < expected.length; r += 1) {
    expected[r]!.forEach((cell, c) => {
      const got = actual[r]![c]!;
      const [a, e] = [Number(got), Number(cell)];
      if (Number.isFinite(e) && cell !== '') {
        assert.ok(
          Math.abs(a - e) <= tolerance + 1e-9,
          `${actualPath} row ${r} ${expected[0]![c]}: ${got} vs ${cell}`,
        );
      } else assert.equal(got, cell, `${actualPath} row ${r} ${expected[0]![c]}`);
    });
  }
  return expected.length - 1;
}

/** What an archive-job suite shares: a redis-server, a temp folder, a queue and the reference model. */
export interface ArchiveEnv {
  redis: RedisServer;
  temp: Awaited<ReturnType<typeof makeTempDir>>;
  queue: ArchiveQueue;
  model: AUModel;
  /** Worker processes the tests start: killed (-9) and awaited first in teardown. */
  readonly workers: WorkerProcess[];
  /** In-process workers and the like, closed after the processes, before the queue and Redis. */
  readonly closers: (() => Promise<void>)[];
}

/** An in-process worker on the suite's Redis (Redis settings warnings muted), closed in teardown. */
export async function startTestWorker(
  env: ArchiveEnv,
  options: ArchiveWorkerOptions = {},
): Promise<ArchiveWorker> {
  const worker = await startWorker(env.redis.url, { onWarning: () => undefined, ...options });
  env.closers.push(() => worker.close());
  return worker;
}

/** Registers the suite's before/after hooks; the fields are set once `before` has run. */
export function useArchiveEnv(): ArchiveEnv {
  const env = { workers: [], closers: [] } as unknown as ArchiveEnv;
  before(async () => {
    [env.redis, env.temp, env.model] = await Promise.all([
      startRedis(),
      makeTempDir(),
      AUModel.create(DEFAULT_MODEL_PATH),
    ]);
    env.queue = await ArchiveQueue.connect(env.redis.url);
  });
  after(async () => {
    for (const w of env.workers) w.kill9();
    await Promise.all(env.workers.map((w) => w.exited));
    for (const close of env.closers) await close();
    await env.queue.close();
    await env.model.dispose();
    await env.redis.stop();
    await env.temp.cleanup();
  });
  return env;
}
