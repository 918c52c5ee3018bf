/* global document, CSS */
/**
 * DOM views of the dashboard: the source list with states and numbers, the AU bars per
 * tracked face, and the per-AU series grid. Each view updates elements in place (keyed by
 * source id, track id and AU name) so the page does not flicker at ten redraws a second.
 *
 * Values are mirrored in data attributes (`data-state`, `data-au`, `data-value`, the series'
 * `data-span-ms`) for tests
 * and for anyone scraping the page.
 */
import { drawSeries, trackColor } from './charts.js';
import { faceValues } from './store.js';

/** `fpsIn 29.8` -> '29.8'; missing numbers read as '–'. */
const num = (value, digits = 1) => (typeof value === 'number' ? value.toFixed(digits) : '–');

/** One line of numbers under a source's name. */
export function metricsText(status) {
  const latency = status.latencyMs && typeof status.latencyMs === 'object' ? status.latencyMs.p50 : undefined;
  const dropped = status.dropped ?? status.droppedFrames;
  return (
    `in ${num(status.fpsIn)} fps · out ${num(status.fpsOut)} fps · latency ${num(latency, 0)} ms · ` +
    `dropped ${num(dropped, 0)} · reconnects ${num(status.reconnects, 0)}`
  );
}

/**
 * @param {HTMLUListElement} list
 * @param {import('./store.js').Store} store
 * @param {(sourceId: string) => void} onSelect
 */
export function renderSources(list, store, onSelect) {
  const seen = new Set();
  for (const entry of store.sources.values()) {
    seen.add(entry.sourceId);
    let item = list.querySelector(`li[data-source-id="${CSS.escape(entry.sourceId)}"]`);
    if (!item) {
      item = document.createElement('li');
      item.dataset.sourceId = entry.sourceId;
      item.innerHTML =
        '<button type="button"><span class="source-state"></span><span class="source-name"></span>' +
        '<span class="source-metrics"></span></button>';
      item.querySelector('.source-name').textContent = entry.sourceId;
      item.querySelector('button').addEventListener('click', () => onSelect(entry.sourceId));
      list.append(item);
    }
    const state = String(entry.status.state ?? 'unknown');
    item.dataset.state = state;
    item.setAttribute('aria-current', String(entry.sourceId === store.selected));
    const badge = item.querySelector('.source-state');
    badge.textContent = state;
    badge.dataset.state = state;
    item.querySelector('.source-metrics').textContent = metricsText(entry.status);
    const error = entry.status.error;
    item.title = error && typeof error === 'object' ? `${error.code}: ${error.message}` : '';
  }
  for (const item of [...list.children]) if (!seen.has(item.dataset.sourceId)) item.remove();
}

/**
 * A group of bars per face of the newest frame, one bar per AU, green while `active`.
 * @param {HTMLElement} container
 * @param {import('./store.js').FrameRecord | null} frame
 * @param {string[]} auNames
 */
export function renderBars(container, frame, auNames) {
  const faces = frame ? [...frame.faces].sort((a, b) => a.trackId - b.trackId) : [];
  const ids = new Set(faces.map((f) => String(f.trackId)));
  for (const group of [...container.children]) if (!ids.has(group.dataset.trackId)) group.remove();
  for (const face of faces) {
    let group = container.querySelector(`[data-track-id="${face.trackId}"]`);
    if (!group) {
      group = document.createElement('section');
      group.className = 'track';
      group.dataset.trackId = String(face.trackId);
      const title = document.createElement('h4');
      title.textContent = `Face #${face.trackId}`;
      title.style.color = trackColor(face.trackId);
      group.append(title);
      for (const au of auNames) {
        const row = document.createElement('div');
        row.className = 'bar';
        row.dataset.au = au;
        row.innerHTML =
          '<span class="bar-label"></span><span class="bar-track"><span class="bar-fill"></span></span><span class="bar-value"></span>';
        row.querySelector('.bar-label').textContent = au;
        group.append(row);
      }
      container.append(group);
    }
    const values = faceValues(face);
    for (const row of group.querySelectorAll('.bar')) {
      const value = values[row.dataset.au];
      const v = typeof value === 'number' ? value : 0;
      row.dataset.value = v.toFixed(3);
      row.dataset.active = String(face.active?.[row.dataset.au] === true);
      row.querySelector('.bar-fill').style.width = `${(Math.min(1, Math.max(0, v)) * 100).toFixed(1)}%`;
      row.querySelector('.bar-value').textContent = v.toFixed(2);
    }
  }
}

/**
 * One small chart per AU with every live track of the selected source.
 * @param {HTMLElement} container
 * @param {import('./store.js').Store} store
 */
export function renderSeries(container, store) {
  const auNames = store.model?.auNames ?? [];
  if (container.dataset.aus !== auNames.join(',')) {
    container.dataset.aus = auNames.join(',');
    container.replaceChildren(
      ...auNames.map((au) => {
        const item = document.createElement('div');
        item.className = 'series-item';
        item.dataset.au = au;
        const label = document.createElement('span');
        label.textContent = au;
        item.append(label, document.createElement('canvas'));
        return item;
      }),
    );
  }
  const now = store.frame?.ptsMs ?? 0;
  let oldest = now;
  for (const track of store.tracks.values()) oldest = Math.min(oldest, track.points[0]?.ptsMs ?? now);
  container.dataset.spanMs = String(Math.round(now - oldest));
  const thresholds = store.model?.thresholds ?? [];
  auNames.forEach((au, i) => {
    const canvas = container.children[i].querySelector('canvas');
    drawSeries(canvas, store.tracks.values(), au, now, thresholds[i] ?? 0.5);
  });
}
