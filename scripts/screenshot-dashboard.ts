/**
 * Makes docs/images/dashboard.png with the project's own command: runs
 * `auformer serve <two sample clips> --loop --dashboard --preview`, opens the printed dashboard URL in
 * Debian's headless Chromium at 1280x720, waits until the time series hold a few seconds of
 * data and a preview image is drawn, takes the screenshot and stops the server with SIGINT.
 *
 *   npx tsx scripts/screenshot-dashboard.ts [out.png] [--phone]   # default docs/images/dashboard.png
 *
 * `--phone` uses a 390x844 viewport (an iPhone 12-sized screen) to check the one-column layout.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const phone = args.includes('--phone');
const out = args.find((a) => !a.startsWith('--')) ?? join(ROOT, 'docs/images/dashboard.png');
/** Media time the series should hold before the picture is taken, ms (waited for up to 90 s). */
const FILL_MS = 12000;

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    'src/cli/main.ts',
    'serve',
    'assets/sample/faces.mp4',
    'assets/sample/group.mp4',
    '--loop',
    '--dashboard',
    '--preview',
    '--ws',
    '127.0.0.1:0',
    '--max-width',
    '640',
    '--smooth',
    'ema',
    '--fps',
    '8', // a loaded 2-core machine keeps up at 8 fps per source, so media time runs at wall speed
    '--status-every',
    '0',
  ],
  { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
);
const exited = once(child, 'exit');
let stderr = '';
const url = await new Promise<string>((resolve, reject) => {
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    const match = /dashboard on (http:\/\/\S+)/.exec(stderr);
    if (match?.[1]) resolve(match[1]);
  });
  child.once('exit', (code) => reject(new Error(`auformer serve exited (${code}) early:\n${stderr}`)));
});

const profile = await mkdtemp(join(tmpdir(), 'auf-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 720 },
  deviceScaleFactor: phone ? 2 : 1,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
  ],
});
try {
  const page = await context.newPage();
  // The group clip has more faces: select it so the picture shows several tracks.
  await page.goto(`${url}?source=${encodeURIComponent('assets/sample/group.mp4')}`);
  await page.locator('#connection[data-state="connected"]').waitFor({ timeout: 20000 });
  await page.locator('#bars .track').first().waitFor({ timeout: 20000 });
  // Polled from here: the page's CSP (no eval) rules out string predicates in the page.
  const until = Date.now() + 90000;
  while (Number(await page.locator('#series').getAttribute('data-span-ms')) < FILL_MS) {
    if (Date.now() > until) throw new Error(`the series did not reach ${FILL_MS} ms of media time`);
    await page.waitForTimeout(250);
  }
  while (((await page.locator('#faces').getAttribute('data-preview-pts-ms')) ?? '') === '') {
    if (Date.now() > until) throw new Error('no preview image was drawn (--preview)');
    await page.waitForTimeout(250);
  }
  await page.waitForTimeout(300); // the redraw after the preview's decode
  await page.screenshot({ path: out, fullPage: phone });
  console.log(`wrote ${out}`);
} finally {
  await context.close();
  await rm(profile, { recursive: true, force: true });
  child.kill('SIGINT');
  await exited;
}
