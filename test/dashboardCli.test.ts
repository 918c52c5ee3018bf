/**
 * `auformer serve --dashboard` as a child process: the page and the WebSocket share one port,
 * the auth probe follows `--token`, the hub's metrics arrive as periodic `status` messages, and
 * SIGINT closes the HTTP server too (exit 130, port refused afterwards).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import WebSocket from 'ws';
import { REPO_ROOT } from './helpers/media.js';

const WAIT_MS = 20000;

describe('auformer serve --dashboard', () => {
  test('serves the page next to the WebSocket; metrics in status messages; SIGINT closes both', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'serve',
        'assets/sample/faces.mp4',
        '--loop',
        '--dashboard',
        '--ws',
        '127.0.0.1:0',
        '--token',
        'tok',
        '--max-width',
        '320',
        '--status-every',
        '0',
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const exited = once(child, 'exit');
    let stderr = '';
    try {
      const [wsUrl, pageUrl] = await new Promise<[string, string]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no dashboard line:\n${stderr}`)), WAIT_MS);
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
          const ws = /listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
          const page = /dashboard on (http:\/\/\S+)/.exec(stderr)?.[1];
          if (ws && page) {
            clearTimeout(timer);
            resolve([ws, page]);
          }
        });
      });
      const port = new URL(pageUrl).port;
      assert.equal(new URL(wsUrl).port, port, 'one server, one port');
      const page = await fetch(pageUrl);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /content="\/ws"/);
      const denied = await fetch(`${pageUrl}auth`);
      assert.equal(denied.status, 401);
      await denied.arrayBuffer();
      const allowed = await fetch(`${pageUrl}auth?token=tok`);
      assert.equal(allowed.status, 204);

      const client = new WebSocket(`${wsUrl}?encoding=json&token=tok`);
      const metrics = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no status with metrics')), WAIT_MS);
        client.on('message', (data: Buffer) => {
          const message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
          if (message.type === 'status' && typeof message.fpsIn === 'number' && message.fpsIn > 0) {
            clearTimeout(timer);
            resolve(message);
          }
        });
      });
      assert.equal(metrics.sourceId, 'assets/sample/faces.mp4');
      assert.equal(metrics.state, 'live');
      const latency = metrics.latencyMs as { p50: number; p95: number };
      assert.ok(latency.p95 >= latency.p50 && latency.p50 > 0, `latency ${JSON.stringify(latency)}`);
      const closed = once(client, 'close');
      child.kill('SIGINT');
      const [code] = (await closed) as [number];
      assert.equal(code, 1001);
      assert.equal((await exited)[0], 130);
      await assert.rejects(fetch(pageUrl), 'the HTTP server is closed with the WebSocket');
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    }
  });
});
