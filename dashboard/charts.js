/* global devicePixelRatio */
/**
 * Canvas drawing for the dashboard: the frame area with face boxes and track ids, and one
 * small scrolling line chart per AU (a line per track). Plain 2D canvas, no chart library:
 * a few hundred points per chart redrawn ten times a second is nothing for a browser.
 */
import { WINDOW_MS } from './store.js';

const TRACK_COLORS = ['#58a6ff', '#3fb950', '#d29922', '#f778ba', '#a371f7', '#39c5cf', '#ff7b72', '#e3b341'];

/** A stable colour per track id, the same in boxes, bars and series. */
export function trackColor(trackId) {
  return TRACK_COLORS[Math.abs(trackId) % TRACK_COLORS.length];
}

/** Sizes the canvas backing store to its CSS size (sharp on high-DPI phones); returns the 2D context. */
function fit(canvas, cssHeight) {
  const ratio = typeof devicePixelRatio === 'number' ? devicePixelRatio : 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(cssHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

/**
 * The frame's area, scaled to the canvas width, with the preview image (when the server sends
 * previews) under each face's box, keypoints and `#trackId`.
 * @param {HTMLCanvasElement} canvas
 * @param {import('./store.js').FrameRecord | null} frame
 * @param {ImageBitmap | null} [preview] the selected source's latest preview, stretched to the frame area
 */
export function drawFaces(canvas, frame, preview = null) {
  const aspect = frame ? frame.height / frame.width : 9 / 16;
  const cssWidth = canvas.clientWidth || 640;
  const cssHeight = Math.round(cssWidth * aspect);
  canvas.style.height = `${cssHeight}px`;
  const ctx = fit(canvas, cssHeight);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  ctx.fillStyle = '#0a0d11';
  ctx.fillRect(0, 0, cssWidth, cssHeight);
  if (preview) ctx.drawImage(preview, 0, 0, cssWidth, cssHeight);
  if (!frame) return;
  const scale = cssWidth / frame.width;
  ctx.lineWidth = 2;
  ctx.font = '600 13px system-ui, sans-serif';
  for (const face of frame.faces) {
    const { x, y, width, height } = face.box;
    const color = trackColor(face.trackId);
    ctx.strokeStyle = color;
    ctx.strokeRect(x * scale, y * scale, width * scale, height * scale);
    drawLandmarks(ctx, face, scale);
    ctx.lineWidth = 2;
    ctx.fillStyle = color;
    for (const point of face.keypoints ?? [])
      ctx.fillRect(point.x * scale - 1.5, point.y * scale - 1.5, 3, 3);
    const label = `#${face.trackId}`;
    const labelWidth = ctx.measureText(label).width + 8;
    const top = Math.max(0, y * scale - 18);
    ctx.fillStyle = color;
    ctx.fillRect(x * scale - 1, top, labelWidth, 18);
    ctx.fillStyle = '#0a0d11';
    ctx.fillText(label, x * scale + 3, top + 13);
  }
}

/** Chains of the 68-point scheme (iBUG order): jaw, brows, nose, eyes, lips; closed ones repeat the start. */
const CHAINS_68 = [
  [0, 17],
  [17, 22],
  [22, 27],
  [27, 31],
  [31, 36],
  [36, 42, true],
  [42, 48, true],
  [48, 60, true],
  [60, 68, true],
];
const AXIS_COLORS = ['#e62828', '#28d23c', '#326eff'];

/**
 * A face's 68-point contours (frame messages carry `landmarks.scheme: 'ibug68'` by default) and
 * its head-pose axes from the nose tip (point 30): red x, green y, blue the direction it looks.
 * @param {CanvasRenderingContext2D} ctx
 * @param {import('./store.js').Face} face
 * @param {number} scale canvas px per frame px
 */
function drawLandmarks(ctx, face, scale) {
  const points = face.landmarks?.scheme === 'ibug68' ? face.landmarks.points : null;
  if (!points) return;
  ctx.strokeStyle = 'rgba(235, 235, 235, 0.85)';
  ctx.lineWidth = 1;
  for (const [from, to, closed] of CHAINS_68) {
    ctx.beginPath();
    for (let i = from; i < to; i++)
      ctx[i === from ? 'moveTo' : 'lineTo'](points[i][0] * scale, points[i][1] * scale);
    if (closed) ctx.closePath();
    ctx.stroke();
  }
  if (!face.pose) return;
  const rad = Math.PI / 180;
  const [a, b, c] = [face.pose.pitchDeg * rad, face.pose.yawDeg * rad, face.pose.rollDeg * rad];
  // Columns of R = Rx(pitch) Ry(yaw) Rz(roll) (OpenFace axes: x right, y down, z away), x and y rows only.
  const axes = [
    [Math.cos(b) * Math.cos(c), Math.cos(a) * Math.sin(c) + Math.sin(a) * Math.sin(b) * Math.cos(c)],
    [-Math.cos(b) * Math.sin(c), Math.cos(a) * Math.cos(c) - Math.sin(a) * Math.sin(b) * Math.sin(c)],
    [-Math.sin(b), Math.sin(a) * Math.cos(b)],
  ];
  const [ox, oy] = points[30];
  const length = Math.hypot(points[45][0] - points[36][0], points[45][1] - points[36][1]) * 0.8;
  ctx.lineWidth = 2;
  axes.forEach(([dx, dy], i) => {
    ctx.strokeStyle = AXIS_COLORS[i];
    ctx.beginPath();
    ctx.moveTo(ox * scale, oy * scale);
    ctx.lineTo((ox + dx * length) * scale, (oy + dy * length) * scale);
    ctx.stroke();
  });
}

/**
 * One AU's values over the last `WINDOW_MS` of media time, newest at the right edge.
 * @param {HTMLCanvasElement} canvas
 * @param {Iterable<import('./store.js').Track>} tracks
 * @param {string} au
 * @param {number} nowPtsMs the newest frame's ptsMs
 * @param {number} threshold drawn as a dashed line
 */
export function drawSeries(canvas, tracks, au, nowPtsMs, threshold) {
  const cssWidth = canvas.clientWidth || 220;
  const cssHeight = 40;
  const ctx = fit(canvas, cssHeight);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  const yOf = (value) => cssHeight - 2 - value * (cssHeight - 4);
  ctx.strokeStyle = '#2a3644';
  ctx.setLineDash([3, 3]);
  ctx.beginPath();
  ctx.moveTo(0, yOf(threshold));
  ctx.lineTo(cssWidth, yOf(threshold));
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.lineWidth = 1.5;
  for (const track of tracks) {
    ctx.strokeStyle = trackColor(track.trackId);
    ctx.beginPath();
    let started = false;
    for (const point of track.points) {
      const value = point.values[au];
      if (typeof value !== 'number') continue;
      const x = cssWidth - ((nowPtsMs - point.ptsMs) / WINDOW_MS) * cssWidth;
      if (started) ctx.lineTo(x, yOf(value));
      else ctx.moveTo(x, yOf(value));
      started = true;
    }
    ctx.stroke();
  }
}
