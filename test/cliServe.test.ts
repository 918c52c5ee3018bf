/**
 * `auformer serve` as a child process: a real `ws` client subscribes and receives AU frames,
 * then SIGINT: the process exits 130 within seconds, the client sees close code 1001, the
 * JSONL output holds every record the client got, and no ffmpeg is left behind.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, makeTempDir } from './helpers/media.js';
import { TestClient, within } from './websocket.helpers.js';

interface Cli {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr: string;
}

function startCli(args: readonly string[]): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const cli: Cli = { child, exited: once(child, 'exit').then(([code]) => code as number | null), stderr: '' };
  child.stderr?.on('data', (chunk: Buffer) => (cli.stderr += chunk.toString('utf8')));
  child.stdout?.resume();
  return cli;
}

async function waitForStderr(cli: Cli, pattern: RegExp, ms: number): Promise<RegExpExecArray> {
  const until = Date.now() + ms;
  for (;;) {
    const match = pattern.exec(cli.stderr);
    if (match) return match;
    if (Date.now() > until || cli.child.exitCode !== null) {
      throw new Error(`no ${String(pattern)} on stderr within ${ms} ms:\n${cli.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** ffmpeg processes whose parent is `pid`, from /proc. */
async function ffmpegChildrenOf(pid: number): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const match = /^\d+ \((.*)\) (\S) (\d+)/.exec(stat);
    if (match?.[1] === 'ffmpeg' && Number(match[3]) === pid && match[2] !== 'Z') found.push(Number(entry));
  }
  return found;
}

const alive = (pid: number): Promise<boolean> =>
  readFile(`/proc/${pid}/stat`, 'utf8').then(
    (stat) => !/^\d+ \(.*\) Z/.test(stat),
    () => false,
  );

describe('auformer serve', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  test('streams AU frames to a ws client; SIGINT closes with 1001, flushes, kills ffmpeg', async () => {
    const out = join(dir, 'serve.jsonl');
    const source = 'assets/sample/faces.mp4';
    const cli = startCli([
      'serve',
      source,
      '--loop',
      '--ws',
      '127.0.0.1:0',
      '--max-width',
      '480',
      '--out',
      out,
    ]);
    let client: TestClient | undefined;
    try {
      const [, url] = await waitForStderr(cli, /listening on (ws:\/\/127\.0\.0\.1:\d+\/ws)/, 30_000);
      const opened = await TestClient.open(url as string);
      client = opened.client;
      assert.equal((opened.hello.model as { name: string }).name, 'auformer-tiny');
      client.send({ type: 'subscribe', sources: '*' });
      await client.next('subscription');
      const frames = [await client.next('frame', 30_000)];
      for (let i = 0; i < 4; i++) frames.push(await client.next('frame', 10_000));
      for (const f of frames) assert.equal(f.sourceId, source);
      const indices = frames.map((f) => f.index as number);
      assert.ok(
        indices.every((n, i) => i === 0 || n > (indices[i - 1] as number)),
        `indices ${indices}`,
      );
      const withFace = frames.find((f) => (f.faces as unknown[]).length > 0) as
        { faces: { aus: Record<string, number> }[] } | undefined;
      assert.ok(withFace, 'the sample face is found');
      assert.equal(Object.keys(withFace?.faces[0]?.aus ?? {}).length, 12);
      assert.ok(
        client.all('status').some((s) => s.sourceId === source && s.state === 'live') ||
          (opened.hello.statuses as { state: string }[]).some((s) => s.state === 'live'),
      );

      // One ffmpeg decodes the looping file (poll: a loop restart briefly leaves none).
      let decoders: number[] = [];
      for (let tries = 0; decoders.length !== 1 && tries < 100; tries++) {
        if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        decoders = await ffmpegChildrenOf(cli.child.pid as number);
      }
      assert.equal(decoders.length, 1, 'one ffmpeg decodes the looping file');

      cli.child.kill('SIGINT');
      const code = await within(cli.exited, 10_000, 'serve to exit after SIGINT');
      assert.equal(code, 130, cli.stderr);
      const closed = await within(client.closed, 5000, 'client close');
      assert.equal(closed.code, 1001);
      assert.equal(client.all('notice').at(-1)?.reason, 'server-shutdown');
      for (const pid of decoders) assert.equal(await alive(pid), false, `ffmpeg ${pid} left behind`);
      assert.match(cli.stderr, /stopped \(SIGINT\)/);

      // Everything the client got was also written (and flushed) to the JSONL file.
      const lines = (await readFile(out, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(lines[0]?.type, 'header');
      const written = new Set(lines.filter((l) => l.type === 'frame').map((l) => l.index as number));
      for (const n of client.all('frame').map((f) => f.index as number))
        assert.ok(written.has(n), `frame ${n} in the file`);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      await cli.exited;
      await client?.dispose();
    }
  });

  test('SIGTERM stops cleanly with exit 0', async () => {
    const cli = startCli(['serve', 'assets/sample/group.mp4', '--ws', '127.0.0.1:0', '--max-width', '320']);
    try {
      await waitForStderr(cli, /assets\/sample\/group\.mp4: live/, 30_000);
      cli.child.kill('SIGTERM');
      assert.equal(await within(cli.exited, 10_000, 'serve to exit after SIGTERM'), 0, cli.stderr);
      assert.match(cli.stderr, /stopped \(SIGTERM\)/);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      await cli.exited;
    }
  });

  test('usage errors exit 2 with the reason', async () => {
    const none = startCli(['serve']);
    assert.equal(await within(none.exited, 30_000, 'exit'), 2);
    assert.match(none.stderr, /give at least one rtsp:\/\/ URL, video file or \/dev\/video device/);
    const badWs = startCli(['serve', 'assets/sample/faces.mp4', '--ws', 'localhost']);
    assert.equal(await within(badWs.exited, 30_000, 'exit'), 2);
    assert.match(badWs.stderr, /--ws must look like 127\.0\.0\.1:8080/);
  });

  test('a missing file fails its source; with no other source the run ends with exit 1', async () => {
    const cli = startCli(['serve', join(dir, 'missing.mp4'), '--ws', '127.0.0.1:0', '--status-every', '0']);
    assert.equal(await within(cli.exited, 30_000, 'exit'), 1, cli.stderr);
    assert.match(cli.stderr, /: failed \(AUF_ERR_FILE_NOT_FOUND: /);
  });
});
