/**
 * Computes the smoother comparison of docs/tracking.md with the real `smoothAUs` operator:
 * a step of AU probability 0.3 -> 0.7 at t = 1 s, 30 fps, plus Gaussian noise (sd 0.12).
 * Prints a Markdown table and writes docs/tracking-step.svg (one noisy run per method).
 *
 *   npx tsx scripts/smoothing-table.ts            # table on stdout, SVG in docs/
 */
import { writeFileSync } from 'node:fs';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describeSmoothing, smoothAUs, type SmoothAUsOptions } from '../src/operators/smoothAUs.js';
import type { AnalysisRecord, FrameResult } from '../src/types/result.js';

const STEP_MS = 1000;
const LOW = 0.3;
const HIGH = 0.7;
const NOISE = 0.12;
const SEEDS = 50;
const times = Array.from({ length: 90 }, (_, i) => (i * 1000) / 30);

const methods: readonly SmoothAUsOptions[] = [
  { method: 'none' },
  { method: 'ema' },
  { method: 'ema', tauMs: 300 },
  { method: 'one-euro' },
  { method: 'one-euro', beta: 0 },
  { method: 'median' },
  { method: 'median', windowMs: 400 },
];

/** Deterministic standard normal samples (mulberry32 + Box-Muller). */
function normals(seed: number, n: number): number[] {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from(
    { length: n },
    () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
  );
}

async function run(options: SmoothAUsOptions, noise: readonly number[]) {
  const input: AnalysisRecord[] = times.map((ptsMs, i) => ({
    type: 'frame',
    sourceId: 'step',
    index: i,
    ptsMs,
    capturedAtMs: 0,
    width: 1,
    height: 1,
    status: 'ok',
    faces: [
      {
        trackId: 1,
        box: { x: 0, y: 0, width: 1, height: 1 },
        score: 1,
        keypoints: [],
        aus: { AU12: (ptsMs >= STEP_MS ? HIGH : LOW) + (noise[i] ?? 0) },
      },
    ],
  }));
  const out = (await lastValueFrom(from(input).pipe(smoothAUs(options), toArray()))).filter(
    (r): r is FrameResult => r.type === 'frame',
  );
  const face = (f: FrameResult) => f.faces[0];
  return {
    value: out.map((f) => face(f)?.smoothed?.AU12 ?? face(f)?.aus.AU12 ?? NaN),
    flips: out.reduce(
      (n, f, i) =>
        n + (i > 0 && face(f)?.active?.AU12 !== face(out[i - 1] as FrameResult)?.active?.AU12 ? 1 : 0),
      0,
    ),
  };
}

const firstAt = (v: readonly number[], level: number): number =>
  times[v.findIndex((x, i) => (times[i] ?? 0) >= STEP_MS && x >= level)] ?? NaN;
const sd = (v: readonly number[]): number => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};
const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const params = (o: SmoothAUsOptions): string =>
  Object.entries(describeSmoothing(o))
    .filter(([k]) => ['tauMs', 'minCutoffHz', 'beta', 'windowMs'].includes(k))
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ') || '-';

const rows: string[] = [
  '| method | parameters | nominal lag (ms) | delay to 50% (ms) | 10-90% rise (ms) | noise sd at rest | `active` flips, minDurationMs 0 | `active` flips, 100 ms (default) |',
  '|---|---|---|---|---|---|---|---|',
];
const plots: { label: string; value: number[] }[] = [];
for (const options of methods) {
  const clean = await run({ ...options }, []);
  const p10 = LOW + 0.1 * (HIGH - LOW);
  const p50 = LOW + 0.5 * (HIGH - LOW);
  const p90 = LOW + 0.9 * (HIGH - LOW);
  const restSd: number[] = [];
  const flips0: number[] = [];
  const flips100: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed += 1) {
    const noise = normals(seed, times.length).map((x) => x * NOISE);
    const r0 = await run({ ...options, minDurationMs: 0 }, noise);
    const r100 = await run({ ...options }, noise);
    restSd.push(sd(r100.value.filter((_, i) => (times[i] ?? 0) >= 500 && (times[i] ?? 0) < STEP_MS)));
    flips0.push(r0.flips);
    flips100.push(r100.flips);
    if (seed === 1) plots.push({ label: `${options.method} (${params(options)})`, value: r100.value });
  }
  const lag = describeSmoothing(options).lagMs;
  rows.push(
    `| ${options.method ?? 'ema'} | ${params(options)} | ${String(lag)} | ${(firstAt(clean.value, p50) - STEP_MS).toFixed(0)} | ${(firstAt(clean.value, p90) - firstAt(clean.value, p10)).toFixed(0)} | ${mean(restSd).toFixed(3)} | ${mean(flips0).toFixed(1)} | ${mean(flips100).toFixed(1)} |`,
  );
}
console.log(rows.join('\n'));
console.log(
  `\nStep ${LOW} -> ${HIGH} at ${STEP_MS} ms, 30 fps, noise sd ${NOISE}; noise and flips are means over ${SEEDS} seeds; delays and rise on the noise-free step (times are frame times, so 33 ms resolution). Ideal flips: 1.`,
);
writeFileSync(new URL('../docs/tracking-step.svg', import.meta.url), svg(plots));

function svg(series: readonly { label: string; value: number[] }[]): string {
  const W = 900;
  const H = 360;
  const x = (t: number): number => 50 + (t / 3000) * (W - 320);
  const y = (v: number): number => H - 30 - v * (H - 60);
  const colours = ['#bbb', '#1f77b4', '#aec7e8', '#d62728', '#ff9896', '#2ca02c', '#98df8a'];
  const lines = series.map((s, k) => {
    const points = s.value.map((v, i) => `${x(times[i] ?? 0).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const colour = colours[k % colours.length] ?? '#000';
    return (
      `<polyline fill="none" stroke="${colour}" stroke-width="${k === 0 ? 1 : 2}" points="${points}"/>` +
      `<text x="${W - 260}" y="${40 + 18 * k}" font-size="11" fill="${colour}">${s.label}</text>`
    );
  });
  const grid = [0, 0.4, 0.5, 1].map(
    (v) =>
      `<line x1="50" x2="${W - 270}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="20" y="${y(v) + 4}" font-size="10">${v}</text>`,
  );
  const ticks = [0, 1000, 2000, 3000].map(
    (t) => `<text x="${x(t) - 10}" y="${H - 10}" font-size="10">${t} ms</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${[...grid, ...ticks, ...lines].join('')}</svg>\n`;
}
