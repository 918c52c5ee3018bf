/**
 * The dashboard's static files (HTML, CSS, ES modules), read once from the package's
 * `dashboard/` folder and kept in memory: a few tens of kilobytes, no CDN, no bundler.
 *
 * The folder sits at the package root so the same relative URL finds it from `src/dashboard`
 * (tsx, tests) and from `dist/dashboard` (the published build).
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SinkError } from '../errors.js';

/** One file ready to send. */
export interface DashboardAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

/** `dashboard/` at the package root. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Placeholder in index.html replaced by the WebSocket path, so the page needs no config request. */
const WS_PATH_PLACEHOLDER = '%AUF_WS_PATH%';

/**
 * Loads every servable file of `dir` (not recursive), keyed by `/name`, with `/` for index.html.
 * Rejects with `SinkError` when the folder or its index.html is missing (a broken install).
 */
export async function loadDashboardAssets(
  wsPath: string,
  dir: string = DASHBOARD_DIR,
): Promise<ReadonlyMap<string, DashboardAsset>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new SinkError(
      `The dashboard's files are missing (${dir}): reinstall auformer-stream, or run from a checkout that has dashboard/.`,
      { cause },
    );
  }
  const assets = new Map<string, DashboardAsset>();
  for (const name of names) {
    const contentType = CONTENT_TYPES[extname(name).toLowerCase()];
    if (contentType === undefined) continue;
    let body = await readFile(`${dir}/${name}`);
    if (name === 'index.html') {
      body = Buffer.from(body.toString('utf8').replaceAll(WS_PATH_PLACEHOLDER, escapeAttribute(wsPath)));
      assets.set('/', { body, contentType });
    }
    assets.set(`/${name}`, { body, contentType });
  }
  if (!assets.has('/')) {
    throw new SinkError(`The dashboard's index.html is missing from ${dir}: reinstall auformer-stream.`);
  }
  return assets;
}

function escapeAttribute(text: string): string {
  return text.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}
