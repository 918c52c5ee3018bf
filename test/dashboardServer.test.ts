/**
 * serveDashboard over real HTTP on 127.0.0.1 (no browser): the page, its assets, the auth
 * probe, errors, attaching next to serveWebSocket on a shared server; publishHubMetrics in
 * virtual time against a fake hub that implements the interface it reads; `--dashboard`.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import WebSocket from 'ws';
import { parseServeArgs } from '../src/cli/serveArgs.js';
import { DASHBOARD_DIR } from '../src/dashboard/dashboardAssets.js';
import { publishHubMetrics } from '../src/dashboard/publishHubMetrics.js';
import { serveDashboard } from '../src/dashboard/serveDashboard.js';
import { OptionError, SinkError } from '../src/errors.js';
import type { HubSourceMetrics } from '../src/hub/StreamHub.js';
import { serveWebSocket } from '../src/sinks/serveWebSocket.js';
import type { WireSourceStatus as WireStatus } from '../src/sinks/ws/protocol.js';
import type { SourceStatus } from '../src/types/sourceStatus.js';

describe('serveDashboard', () => {
  test('serves the page with the ws path filled in, its assets, HEAD, 404, 405, 426', async () => {
    const dashboard = await serveDashboard({ port: 0 });
    try {
      assert.equal(dashboard.url, `http://127.0.0.1:${dashboard.port}/`);
      const page = await fetch(dashboard.url);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      const html = await page.text();
      assert.match(html, /<meta name="auf-ws-path" content="\/ws" \/>/);
      assert.doesNotMatch(html, /%AUF_WS_PATH%|https?:\/\//, 'no placeholder left, nothing from a CDN');

      const js = await fetch(`${dashboard.url}dashboard.js`);
      assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal(await js.text(), await readFile(`${DASHBOARD_DIR}/dashboard.js`, 'utf8'));
      const css = await fetch(`${dashboard.url}dashboard.css`);
      assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
      await css.arrayBuffer();

      const head = await fetch(dashboard.url, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(Number(head.headers.get('content-length')), Buffer.byteLength(html));
      assert.equal((await head.arrayBuffer()).byteLength, 0);

      const missing = await fetch(`${dashboard.url}../../package.json`);
      assert.equal(missing.status, 404, 'only the files of dashboard/ are served');
      await missing.arrayBuffer();
      const post = await fetch(dashboard.url, { method: 'POST', body: 'x' });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET, HEAD');
      await post.arrayBuffer();
      const ws = await fetch(`${dashboard.url}ws`);
      assert.equal(ws.status, 426);
      assert.match(await ws.text(), /WebSocket to \/ws/);
      const auth = await fetch(`${dashboard.url}auth`);
      assert.equal(auth.status, 204, 'no token configured: every probe passes');
    } finally {
      await dashboard.close();
    }
    await assert.rejects(fetch(dashboard.url), 'the port is closed after close()');
  });

  test('auth probe: 401 without or with a wrong token, 204 with ?token= or the Bearer header', async () => {
    const dashboard = await serveDashboard({ port: 0, token: 'tok-1' });
    try {
      const status = async (path: string, headers: Record<string, string> = {}): Promise<number> => {
        const res = await fetch(`${dashboard.url}${path}`, { headers });
        await res.arrayBuffer();
        return res.status;
      };
      assert.equal(await status('auth'), 401);
      assert.equal(await status('auth?token=tok-2'), 401);
      assert.equal(await status('auth?token=tok-1'), 204);
      assert.equal(await status('auth', { Authorization: 'Bearer tok-1' }), 204);
      assert.equal(await status(''), 200, 'the page itself is public; its data is not');
    } finally {
      await dashboard.close();
    }
  });

  test('attached under a path next to serveWebSocket: other paths stay with the server', async () => {
    // The server's own handler skips what the dashboard answered (documented contract).
    const server = createServer((_req, res) => {
      if (!res.headersSent) res.end('own handler');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const dashboard = await serveDashboard({ server, path: '/dash/', wsPath: '/live' });
    const wss = await serveWebSocket({ server, path: '/live' });
    try {
      const { port } = server.address() as AddressInfo;
      assert.equal(dashboard.url, `http://127.0.0.1:${port}/dash/`);
      assert.match(await (await fetch(dashboard.url)).text(), /content="\/live"/);
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/other`)).text(), 'own handler');
      const client = new WebSocket(`ws://127.0.0.1:${port}/live?encoding=json`);
      const [hello] = (await once(client, 'message')) as [Buffer];
      assert.equal((JSON.parse(hello.toString('utf8')) as { type: string }).type, 'hello');
      client.close();
      await once(client, 'close');
    } finally {
      await wss.close();
      await dashboard.close();
    }
    assert.equal(server.listening, true, 'close() leaves a server it did not create running');
    const { port } = server.address() as AddressInfo;
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/dash/`)).text(), 'own handler');
    server.close();
    server.closeAllConnections();
    await once(server, 'close');
  });

  test('bad options throw OptionError naming the option; a taken port is a SinkError', async () => {
    const bad: [object, RegExp][] = [
      [{ port: -1 }, /"port"/],
      [{ port: 1.5 }, /"port"/],
      [{ host: '' }, /"host"/],
      [{ path: 'dash' }, /"path"/],
      [{ path: '/dash' }, /"path"/],
      [{ wsPath: 'ws' }, /"wsPath"/],
      [{ token: '' }, /"token"/],
      [{ server: {} }, /"server"/],
    ];
    for (const [options, name] of bad) {
      await assert.rejects(
        serveDashboard(options),
        (e: unknown) => e instanceof OptionError && name.test(e.message),
      );
    }
    const first = await serveDashboard({ port: 0 });
    try {
      await assert.rejects(
        serveDashboard({ port: first.port }),
        (e: unknown) =>
          e instanceof SinkError && e.code === 'AUF_ERR_SINK_WRITE' && /EADDRINUSE/.test(e.message),
      );
    } finally {
      await first.close();
    }
  });
});

describe('publishHubMetrics', () => {
  const metrics = (sourceId: string, fpsIn: number): HubSourceMetrics => ({
    sourceId,
    state: 'live',
    fpsIn,
    fpsOut: fpsIn - 1,
    framesIn: 100,
    framesOut: 90,
    dropped: 10,
    batchFill: 0.25,
    latencyMs: { p50: 40, p95: 90 },
  });

  test('every everyMs: the last status of each source plus fps, latency, drops (virtual time)', () => {
    const scheduler = new TestScheduler((a, b) => assert.deepEqual(a, b));
    scheduler.run(({ flush }) => {
      const status = new Subject<SourceStatus>();
      let fps = 10;
      const hub = { status, metrics: () => [metrics('cam-1', fps), metrics('cam-2', 5)] };
      const sent: { at: number; status: WireStatus }[] = [];
      const sub = publishHubMetrics(hub, {
        updateSource: (s) => sent.push({ at: scheduler.now(), status: s }),
      });
      const error = { code: 'AUF_ERR_STREAM_CONNECT', message: 'refused' };
      status.next({
        sourceId: 'cam-1',
        state: 'live',
        reconnects: 2,
        droppedFrames: 7,
        framesIn: 100,
        error,
      });
      scheduler.schedule(() => (fps = 20), 1500);
      scheduler.schedule(() => sub.unsubscribe(), 2500);
      flush();
      assert.deepEqual(
        sent.map((x) => [x.at, x.status.sourceId]),
        [
          [1000, 'cam-1'],
          [1000, 'cam-2'],
          [2000, 'cam-1'],
          [2000, 'cam-2'],
        ],
        'one status per source per second (the default), none after unsubscribe',
      );
      assert.deepEqual(sent[0]?.status, {
        sourceId: 'cam-1',
        state: 'live',
        reconnects: 2,
        droppedFrames: 7,
        framesIn: 100,
        error,
        fpsIn: 10,
        fpsOut: 9,
        latencyMs: { p50: 40, p95: 90 },
        dropped: 10,
        batchFill: 0.25,
        framesOut: 90,
      });
      assert.deepEqual(
        { ...sent[1]?.status },
        { ...metricsStatus('cam-2', 5) },
        'a source without a status report gets one built from its metrics',
      );
      assert.equal((sent[2]?.status as { fpsIn?: number }).fpsIn, 20, 'fresh numbers at each tick');
    });
  });

  test('everyMs below 10 ms is an OptionError', () => {
    const hub = { status: new Subject<SourceStatus>(), metrics: () => [] };
    assert.throws(
      () => publishHubMetrics(hub, { updateSource: () => undefined }, { everyMs: 5 }),
      (e: unknown) => e instanceof OptionError && /"everyMs"/.test(e.message),
    );
  });

  function metricsStatus(sourceId: string, fpsIn: number): Record<string, unknown> {
    return {
      sourceId,
      reconnects: 0,
      droppedFrames: 10,
      framesIn: 100,
      state: 'live',
      fpsIn,
      fpsOut: fpsIn - 1,
      latencyMs: { p50: 40, p95: 90 },
      dropped: 10,
      batchFill: 0.25,
      framesOut: 90,
    };
  }
});

describe('auformer serve --dashboard', () => {
  test('parses the flag; off by default', () => {
    assert.equal(parseServeArgs(['clip.mp4', '--dashboard']).dashboard, true);
    assert.equal(parseServeArgs(['clip.mp4']).dashboard, false);
  });
});
