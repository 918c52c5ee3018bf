/**
 * The dashboard in a real browser: Debian's Chromium (headless, through playwright-core) opens
 * the page served next to a real WebSocket server that a real StreamHub feeds (a file played
 * as a live camera, real BlazeFace, the tiny AUFormer). The page connects, lists the source
 * with its numbers, the AU bars move; the server stops and starts again on the same port: the
 * page says `reconnecting`, then recovers by itself. With a token, a page without it shows the
 * auth error instead of retrying.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { FaceDetector } from '../src/detector/FaceDetector.js';
import { AUModel } from '../src/model/AUModel.js';
import { DEFAULT_MODEL_PATH } from '../src/model/defaultModel.js';
import {
  type Browser,
  type Stack,
  canvasCoverage,
  launchChromium,
  readBars,
  startStack,
} from './dashboard.helpers.js';
import { SAMPLE_FACES, makeTempDir, waitForNoFfmpeg } from './helpers/media.js';

const WAIT_MS = 15000;

/** Waits until `selector` has `data-state` = `state`; returns its text. */
async function waitForState(page: Page, selector: string, state: string): Promise<string> {
  const element = page.locator(`${selector}[data-state="${state}"]`);
  await element.waitFor({ timeout: WAIT_MS });
  return element.innerText();
}

/** Polls the first face's bars until they differ from `before` (the model sees new crops). */
async function waitForBarsToChange(
  page: Page,
  previous: Record<string, number> | null,
): Promise<Record<string, number>> {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const now = await readBars(page);
    if (now !== null && (previous === null || Object.keys(now).some((au) => now[au] !== previous[au]))) {
      return now;
    }
    if (Date.now() > until) throw new Error(`AU bars did not change within ${WAIT_MS} ms`);
    await page.waitForTimeout(100);
  }
}

/** Polls `condition` every 100 ms (the page's CSP forbids string predicates inside the page). */
async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('dashboard in Chromium', () => {
  let model: AUModel;
  let detector: FaceDetector;
  let browser: Browser;
  let dir: string;
  let cleanup: () => Promise<void>;
  const errors: string[] = [];

  before(async () => {
    ({ dir, cleanup } = await makeTempDir());
    model = await AUModel.create(DEFAULT_MODEL_PATH);
    detector = await FaceDetector.create();
    browser = await launchChromium();
    browser.context.on('weberror', (e) => errors.push(e.error().message));
  });
  after(async () => {
    await browser?.close();
    await detector?.dispose();
    await model?.dispose();
    await cleanup?.();
  });

  test('connects, shows the live source, bars move; reconnects after a server restart', async () => {
    let stack: Stack = await startStack({ model, detector, video: SAMPLE_FACES, port: 0 });
    const port = stack.dashboard.port;
    const page = await browser.context.newPage();
    try {
      await page.goto(stack.dashboard.url);
      await waitForState(page, '#connection', 'connected');
      const item = '#sources li[data-source-id="cam-1"]';
      await waitForState(page, item, 'live');
      const auNames = model.card.auNames;
      const first = await waitForBarsToChange(page, null);
      assert.deepEqual(Object.keys(first), [...auNames], 'a bar per AU of the model card, in order');
      for (const v of Object.values(first)) assert.ok(v >= 0 && v <= 1, `probability in [0, 1], got ${v}`);
      await waitForBarsToChange(page, first);
      // Numbers come from the hub's periodic status messages (publishHubMetrics).
      const item$ = page.locator(`${item} .source-metrics`);
      await waitFor(
        async () => /in [1-9][0-9]*\.[0-9] fps/.test(await item$.innerText()),
        'fps > 0 in the list',
      );
      const metrics = await page.locator(`${item} .source-metrics`).innerText();
      assert.match(metrics, /latency \d+ ms/);
      assert.match(await page.locator('#model').innerText(), new RegExp(model.card.name));
      assert.equal(await page.locator('#series .series-item canvas').count(), auNames.length);
      assert.match(page.url(), /[?&]source=cam-1/, 'the selection is kept in the URL');
      const boxesOnly = await canvasCoverage(page);
      assert.ok(boxesOnly < 0.2, `without --preview the frame area is mostly background, got ${boxesOnly}`);

      const shot = join(dir, 'dashboard.png');
      await page.screenshot({ path: shot });
      const png = await readFile(shot);
      assert.equal(png.readUInt32BE(16), 1280, 'screenshot width');
      assert.equal(png.readUInt32BE(20), 720, 'screenshot height');

      await stack.stop();
      await waitForState(page, '#connection', 'reconnecting');
      stack = await startStack({ model, detector, video: SAMPLE_FACES, port });
      await waitForState(page, '#connection', 'connected');
      await waitForState(page, item, 'live');
      const afterRestart = await waitForBarsToChange(page, null);
      await waitForBarsToChange(page, afterRestart);
      assert.deepEqual(errors, [], 'no script errors on the page');
    } finally {
      await page.close();
      await stack.stop();
    }
    assert.equal(await waitForNoFfmpeg(3000), 0);
  });

  test('with previews, the frame panel shows the image under the boxes', async () => {
    const stack = await startStack({ model, detector, video: SAMPLE_FACES, port: 0, preview: true });
    const page = await browser.context.newPage();
    try {
      await page.goto(stack.dashboard.url);
      await waitForState(page, '#sources li[data-source-id="cam-1"]', 'live');
      const faces = page.locator('#faces');
      await waitFor(
        async () => ((await faces.getAttribute('data-preview-pts-ms')) ?? '') !== '',
        'a preview',
      );
      await waitFor(async () => (await canvasCoverage(page)) > 0.8, 'the preview drawn on the canvas');
      const first = Number(await faces.getAttribute('data-preview-pts-ms'));
      await waitFor(
        async () => Number(await faces.getAttribute('data-preview-pts-ms')) !== first,
        'a newer preview about a second later',
      );
      await page.screenshot({ path: join(dir, 'dashboard-preview.png') });
      assert.deepEqual(errors, [], 'no script errors on the page');
    } finally {
      await page.close();
      await stack.stop();
    }
    assert.equal(await waitForNoFfmpeg(3000), 0);
  });

  test('a token: without it the page shows the auth error; with it, the data', async () => {
    const stack = await startStack({ model, detector, video: SAMPLE_FACES, port: 0, token: 's3cret' });
    const page = await browser.context.newPage();
    try {
      await page.goto(stack.dashboard.url);
      await waitForState(page, '#connection', 'unauthorized');
      assert.match(await page.locator('#notice').innerText(), /needs a token.*\?token=/);
      assert.equal(await page.locator('#sources li').count(), 0, 'nothing leaks without the token');

      await page.goto(`${stack.dashboard.url}?token=wrong`);
      await waitForState(page, '#connection', 'unauthorized');
      assert.match(await page.locator('#notice').innerText(), /was refused/);

      await page.goto(`${stack.dashboard.url}?token=s3cret`);
      await waitForState(page, '#connection', 'connected');
      await waitForState(page, '#sources li[data-source-id="cam-1"]', 'live');
      assert.notEqual(await waitForBarsToChange(page, null), null);
      assert.equal(await page.locator('#notice').isHidden(), true);
    } finally {
      await page.close();
      await stack.stop();
    }
  });
});
