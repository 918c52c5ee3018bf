/**
 * Helpers of the dashboard browser tests: a real stack (StreamHub on a file played as a live
 * camera, serveDashboard + serveWebSocket on one HTTP server, metrics published) that can be
 * stopped and started again on the same port, and Debian's Chromium driven by playwright-core.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { Subscription } from 'rxjs';
import { publishHubMetrics } from '../src/dashboard/publishHubMetrics.js';
import { type DashboardServer, serveDashboard } from '../src/dashboard/serveDashboard.js';
import type { FaceDetector } from '../src/detector/FaceDetector.js';
import { StreamHub } from '../src/hub/StreamHub.js';
import { playAsLive } from '../src/hub/playAsLive.js';
import type { AUModel } from '../src/model/AUModel.js';
import { serveWebSocket } from '../src/sinks/serveWebSocket.js';
import { toWebSocket } from '../src/sinks/toWebSocket.js';
import type { WebSocketServerHandle } from '../src/sinks/ws/webSocketServerHandle.js';
import { fromFile } from '../src/sources/fromFile.js';

export const CHROMIUM = '/usr/bin/chromium';

export interface Stack {
  readonly dashboard: DashboardServer;
  readonly ws: WebSocketServerHandle;
  readonly hub: StreamHub;
  stop(): Promise<void>;
}

export interface StackOptions {
  readonly model: AUModel;
  readonly detector: FaceDetector;
  readonly video: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly token?: string;
  readonly sourceId?: string;
  /** Send preview images (as `auformer serve --preview`). Defaults to false. */
  readonly preview?: boolean;
}

/** Hub + dashboard + WebSocket on one server, one looping file source, metrics every 500 ms, previews when asked. */
export async function startStack(o: StackOptions): Promise<Stack> {
  const sourceId = o.sourceId ?? 'cam-1';
  const preview = o.preview === true ? {} : false;
  const hub = await StreamHub.create({
    model: o.model,
    detector: o.detector,
    smooth: { method: 'ema' },
    preview,
  });
  const token = o.token === undefined ? {} : { token: o.token };
  const dashboard = await serveDashboard({ port: o.port, ...token });
  const ws = await serveWebSocket({ server: dashboard.server, model: o.model.card, ...token });
  const subs = new Subscription();
  subs.add(hub.records.pipe(toWebSocket(ws)).subscribe());
  subs.add(hub.status.subscribe((s) => ws.updateSource(s)));
  subs.add(publishHubMetrics(hub, ws, { everyMs: 500 }));
  subs.add(hub.previews.subscribe((image) => ws.publishPreview(image)));
  ws.setSources([{ sourceId, kind: 'file' }]);
  hub.add(sourceId, playAsLive(fromFile(o.video, { sourceId, maxWidth: 320 }), { loop: true }));
  return {
    dashboard,
    ws,
    hub,
    async stop() {
      subs.unsubscribe();
      await hub.close();
      await ws.close();
      await dashboard.close();
    },
  };
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium from Debian with a fresh profile, at 1280x720. */
export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'auf-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 720 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** `{ AU01: 0.512, ... }` of the first face's bars on the page, or null without a face (from `data-value`). */
export async function readBars(page: Page): Promise<Record<string, number> | null> {
  const rows = (await page.evaluate(
    `(() => {
      const group = document.querySelector('#bars .track');
      return group ? [...group.querySelectorAll('.bar')].map((r) => [r.dataset.au, r.dataset.value]) : null;
    })()`,
  )) as [string, string][] | null;
  return rows === null ? null : Object.fromEntries(rows.map(([au, value]) => [au, Number(value)]));
}

/**
 * Share (0..1) of the frame canvas' pixels that are not its background (#0a0d11): near 0 with
 * boxes only, near 1 once a preview image is drawn under them.
 */
export async function canvasCoverage(page: Page): Promise<number> {
  return (await page.evaluate(
    `(() => {
      const canvas = document.getElementById('faces');
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let other = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - 10) + Math.abs(data[i + 1] - 13) + Math.abs(data[i + 2] - 17) > 24) other += 1;
      }
      return other / (data.length / 4);
    })()`,
  )) as number;
}
