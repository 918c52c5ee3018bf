/**
 * Low-rate JPEG previews of live sources, for dashboards: about once per `everyMs` per source,
 * the frame passing by is downscaled and JPEG-encoded by a short-lived ffmpeg (see
 * ffmpeg/jpegArgs.ts for why short-lived), and the image is emitted on `images`.
 *
 * Bounded and copy-free: a source has at most one encode running; frames offered meanwhile (or
 * before `everyMs` has passed) are skipped, never queued. The encoded frame's pixels go to
 * ffmpeg's stdin as they are (no copy), so the frame is retained (operators/frameLease.ts)
 * until ffmpeg has read them, then released: a paused decoder waits at most one encode.
 *
 * ```
 * frames  f0 f1 f2 ... f30 f31 ...  (30 fps)
 * encode  [f0]         [f30]        (one a second; f1..f29 skipped)
 * images  ----j0-----------j30----
 * ```
 */
import { Subject } from 'rxjs';
import { OptionError } from '../errors.js';
import { jpegArgs, thumbnailSize } from '../ffmpeg/jpegArgs.js';
import { resolveFfmpeg } from '../ffmpeg/resolveFfmpeg.js';
import { type FfmpegProcess, spawnFfmpeg } from '../ffmpeg/spawnFfmpeg.js';
import { retainFrame } from '../operators/frameLease.js';
import type { Frame } from '../types/frame.js';

export interface PreviewOptions {
  /** Least time between two previews of one source, in ms. Defaults to 1000. */
  readonly everyMs?: number;
  /** Largest preview width, in pixels (narrower frames keep their size). Defaults to 320. */
  readonly maxWidth?: number;
  /** JPEG quality as ffmpeg's mjpeg `-q:v`: 2 (best) .. 31 (smallest). Defaults to 5. */
  readonly quality?: number;
  /** ffmpeg to use. Defaults to the usual search (`AUF_FFMPEG_PATH`, system, bundled). */
  readonly ffmpegPath?: string;
}

/** One preview image. */
export interface PreviewImage {
  readonly sourceId: string;
  /** The frame's `ptsMs` (media time, ms). */
  readonly ptsMs: number;
  /** Size of the image, in pixels. */
  readonly width: number;
  readonly height: number;
  readonly mime: 'image/jpeg';
  /** The JPEG file's bytes (starts with FF D8). */
  readonly data: Uint8Array;
}

const DEFAULTS = { everyMs: 1000, maxWidth: 320, quality: 5 } as const;

interface SourceSlot {
  lastStartMs: number;
  /** From `offer` until the encode settles (ffmpeg is being found, runs, or is reaped). */
  busy: boolean;
  running?: FfmpegProcess;
}

export class PreviewEncoder {
  private readonly options: Required<Omit<PreviewOptions, 'ffmpegPath'>> & { ffmpegPath?: string };
  private readonly slots = new Map<string, SourceSlot>();
  private readonly images$ = new Subject<PreviewImage>();
  private closed = false;
  /** Encodes that failed (ffmpeg missing or exiting with an error); the source is not affected. */
  failures = 0;
  /** The last failure's ffmpeg message, for diagnostics. */
  lastError: string | undefined;
  /** Every preview, all sources (hot). Completes on `close()`. */
  readonly images = this.images$.asObservable();

  constructor(options: PreviewOptions = {}) {
    const o = { ...DEFAULTS, ...options };
    const check = (name: keyof typeof DEFAULTS, min: number, max: number, unit: string): void => {
      const value = o[name];
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new OptionError(
          `preview: "${name}" must be an integer from ${min} to ${max} (${unit}), got ${String(value)}.`,
        );
      }
    };
    check('everyMs', 1, 3_600_000, 'ms');
    check('maxWidth', 16, 8192, 'pixels');
    check('quality', 2, 31, "ffmpeg's -q:v");
    this.options = o;
  }

  /**
   * Call synchronously for every frame of `sourceId`: encodes it when the source has no encode
   * running and `everyMs` has passed since its last one, else does nothing.
   */
  offer(sourceId: string, frame: Frame, nowMs = Date.now()): void {
    if (this.closed) return;
    let slot = this.slots.get(sourceId);
    if (!slot) {
      slot = { lastStartMs: -Infinity, busy: false };
      this.slots.set(sourceId, slot);
    }
    if (slot.busy || nowMs - slot.lastStartMs < this.options.everyMs) return;
    if (frame.width < 2 || frame.height < 2 || frame.data.length !== frame.width * frame.height * 3) return;
    slot.lastStartMs = nowMs;
    slot.busy = true;
    void this.encode(sourceId, slot, frame, retainFrame(frame));
  }

  /** Stops `sourceId`'s running encode (its image is not emitted) and forgets the source. */
  forget(sourceId: string): void {
    this.slots.get(sourceId)?.running?.stop();
    this.slots.delete(sourceId);
  }

  /** Stops every running encode and completes `images`. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.slots.keys()]) this.forget(id);
    this.images$.complete();
  }

  private async encode(sourceId: string, slot: SourceSlot, frame: Frame, release: () => void): Promise<void> {
    const input = { width: frame.width, height: frame.height };
    const size = thumbnailSize(frame.width, frame.height, this.options.maxWidth);
    let proc: FfmpegProcess | undefined;
    try {
      const binary = await resolveFfmpeg(this.options.ffmpegPath);
      if (this.slots.get(sourceId) !== slot) return; // forgotten meanwhile
      proc = spawnFfmpeg(binary.path, jpegArgs(binary, input, size, this.options.quality), undefined, {
        stdin: true,
      });
      slot.running = proc;
      const chunks: Buffer[] = [];
      proc.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
      proc.stdin?.on('error', () => undefined); // EPIPE when ffmpeg fails: its exit code tells
      proc.stdin?.end(frame.data, release); // ffmpeg has read the pixels: the frame may go
      const code = await proc.closed;
      const data = Buffer.concat(chunks);
      if (this.closed || this.slots.get(sourceId) !== slot) return;
      if (code !== 0 || data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) {
        this.fail(`ffmpeg exited with ${String(code)}: ${proc.stderrTail.slice(-3).join(' | ')}`);
        return;
      }
      const { ptsMs } = frame;
      this.images$.next({ sourceId, ptsMs, ...size, mime: 'image/jpeg', data });
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
    } finally {
      release();
      slot.running = undefined;
      slot.busy = false;
    }
  }

  private fail(message: string): void {
    this.failures += 1;
    this.lastError = message;
  }
}
