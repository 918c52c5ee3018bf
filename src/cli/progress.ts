/**
 * One-line progress for the CLI on stderr: frames, speed, media position and ETA from the
 * source's duration. Redrawn in place on a terminal; a plain line every few seconds otherwise
 * (CI logs).
 */
export interface ProgressOptions {
  /** Media duration in ms, for the percentage and ETA; unknown for images and live sources. */
  readonly durationMs?: number;
  readonly stream?: NodeJS.WriteStream;
  /** Minimum time between redraws, in ms. Defaults to 200 on a terminal, 5000 otherwise. */
  readonly intervalMs?: number;
}

export interface Progress {
  update(frames: number, faces: number, ptsMs: number): void;
  done(): void;
}

const fmtTime = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const interval = options.intervalMs ?? (tty ? 200 : 5000);
  const started = performance.now();
  let last = -Infinity; // the first update always shows
  let lastLine = '';

  const render = (frames: number, faces: number, ptsMs: number): string => {
    const elapsed = (performance.now() - started) / 1000;
    const fps = elapsed > 0 ? frames / elapsed : 0;
    const parts = [`${frames} frames`, `${faces} faces`, `${fps.toFixed(1)} fps`];
    const d = options.durationMs;
    if (d && d > 0) {
      const ratio = Math.min(1, ptsMs / d);
      const width = 20;
      const filled = Math.round(ratio * width);
      const eta = ratio > 0 ? (elapsed * 1000 * (1 - ratio)) / ratio : NaN;
      parts.unshift(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0)}%`);
      parts.push(`${fmtTime(ptsMs)}/${fmtTime(d)}`, Number.isFinite(eta) ? `ETA ${fmtTime(eta)}` : 'ETA --');
    }
    return parts.join('  ');
  };

  return {
    update(frames, faces, ptsMs) {
      const now = performance.now();
      if (now - last < interval) return;
      last = now;
      lastLine = render(frames, faces, ptsMs);
      stream.write(tty ? `\r${lastLine}\x1b[K` : `${lastLine}\n`);
    },
    done() {
      if (tty && lastLine) stream.write('\n');
    },
  };
}
