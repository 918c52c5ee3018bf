/* global document, location, history, requestAnimationFrame, setTimeout, window, URL, URLSearchParams, atob, Blob, createImageBitmap */
/**
 * The auformer-stream live dashboard: connects to the server's WebSocket (same origin, path
 * from the page's `auf-ws-path` meta tag, token from the page's own `?token=`), lists every
 * source with its status, and for the selected source (`?source=` or the first one) draws face
 * boxes (over the source's preview image when the server sends previews), AU bars per track
 * and a 30 s series per AU.
 *
 * Only the selected source is subscribed, so a wall of cameras costs one stream per open tab.
 * Redraws are coalesced to at most ten a second, whatever the frame rate.
 */
import { drawFaces } from './charts.js';
import { openLink } from './connection.js';
import { applyMessage, createStore, select } from './store.js';
import { renderBars, renderSeries, renderSources } from './views.js';

const REDRAW_MS = 100;

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const store = createStore();
const wanted = params.get('source');
const dirty = { sources: false, frame: false };
let redrawPending = false;
/** The selected source's latest decoded preview (`auformer serve --preview`), or null. */
let previewBitmap = null;

const link = openLink({
  wsPath: document.querySelector('meta[name="auf-ws-path"]')?.content || '/ws',
  token: params.get('token'),
  onMessage(message) {
    const changed = applyMessage(store, message);
    if (message.type === 'hello') {
      $('model').textContent = store.model
        ? `${store.model.name} ${store.model.version}${store.model.untrained ? ' (UNTRAINED: values mean nothing)' : ''}`
        : 'no model card';
      const current = store.selected;
      store.selected = null; // resubscribe after every (re)connect: a new connection has nothing
      choose(current ?? pickDefault());
    } else if (changed.sources && store.selected === null) {
      choose(pickDefault());
    }
    if (changed.sources) dirty.sources = true;
    if (changed.frame) dirty.frame = true;
    if (changed.preview) void decodePreview(store.preview);
    schedule();
  },
  onStatus(status) {
    const pill = $('connection');
    pill.dataset.state = status.state;
    pill.dataset.attempt = String(status.attempt);
    pill.textContent =
      status.state === 'reconnecting' && status.retryInMs !== undefined
        ? `reconnecting (try ${status.attempt}, ${(status.retryInMs / 1000).toFixed(1)} s)`
        : status.state;
    const notice = $('notice');
    notice.hidden = status.message === undefined;
    notice.textContent = status.message ?? '';
  },
});
window.addEventListener('pagehide', () => link.close());

function pickDefault() {
  if (wanted !== null && store.sources.has(wanted)) return wanted;
  return store.sources.keys().next().value ?? null;
}

/** Subscribes to `sourceId` alone and resets the detail view. */
function choose(sourceId) {
  if (sourceId === null || sourceId === store.selected) return;
  select(store, sourceId);
  link.send({ type: 'unsubscribe', sources: '*' });
  link.send({ type: 'subscribe', sources: [sourceId] });
  const url = new URL(location.href);
  url.searchParams.set('source', sourceId);
  history.replaceState(null, '', url);
  $('selected-title').textContent = sourceId;
  $('bars').replaceChildren();
  previewBitmap?.close();
  previewBitmap = null;
  $('faces').dataset.previewPtsMs = '';
  dirty.sources = true;
  dirty.frame = true;
  schedule();
}

/**
 * Decodes a preview's base64 JPEG off the main thread (createImageBitmap: no image URL, so the
 * page's CSP needs no `img-src`); a newer preview or another source wins over a late decode.
 */
async function decodePreview(preview) {
  if (!preview) return;
  const binary = atob(preview.data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  let bitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes], { type: preview.mime }));
  } catch {
    return; // a broken image: keep the previous one
  }
  if (store.preview !== preview) {
    bitmap.close();
    return;
  }
  previewBitmap?.close();
  previewBitmap = bitmap;
  $('faces').dataset.previewPtsMs = String(preview.ptsMs);
  dirty.frame = true;
  schedule();
}

function schedule() {
  if (redrawPending) return;
  redrawPending = true;
  setTimeout(() => requestAnimationFrame(redraw), REDRAW_MS);
}

function redraw() {
  redrawPending = false;
  if (dirty.sources) {
    renderSources($('sources'), store, choose);
    $('no-sources').hidden = store.sources.size > 0;
  }
  if (dirty.frame) {
    const frame = store.frame;
    drawFaces($('faces'), frame, previewBitmap);
    renderBars($('bars'), frame, store.model?.auNames ?? []);
    renderSeries($('series'), store);
    $('frame-caption').textContent = frame
      ? `frame ${frame.index} · ${(frame.ptsMs / 1000).toFixed(1)} s · ${frame.faces.length} face(s) · ${frame.width}x${frame.height}`
      : 'waiting for frames';
    const tracks = store.tracks.size;
    $('series-track').textContent =
      tracks > 0 ? `(${tracks} track${tracks === 1 ? '' : 's'}, colour = face)` : '';
  }
  dirty.sources = false;
  dirty.frame = false;
}
