/**
 * Cuts ffmpeg's raw rgb24 byte stream into frames paired with showinfo's lines, and says where
 * the next bytes should land: straight into the buffer of the frame being filled, so reading
 * copies and allocates nothing per read.
 *
 * Bytes (stdout) and lines (stderr) come on different channels, so either can be first. Bytes
 * ahead of their line go into a frame sized like the previous one; only when no size is known
 * yet, or the size changed, are they set aside and copied once the line gives the size.
 *
 * ```
 * lines   n:0 s:640x360 ......... n:1 s:640x360 ...
 * bytes   [---- 691200 ----][---- 691200 ----] ...   -> frames 0, 1, ... (one buffer each)
 * ```
 */
import type { ShowinfoFrame } from './showinfo.js';

export interface AssembledFrame {
  readonly info: ShowinfoFrame;
  readonly data: Buffer;
}

/** Size of the read buffer for bytes that no frame can take yet. */
const SCRATCH_BYTES = 64 * 1024;

interface Filling {
  /** Undefined while the frame was sized after the previous one and its line has not come. */
  info: ShowinfoFrame | undefined;
  readonly data: Buffer;
  filled: number;
}

export class FrameAssembler {
  private readonly infos: ShowinfoFrame[] = [];
  private filling: Filling | undefined;
  /** Bytes set aside, in stream order, after `filling` (if any). */
  private readonly spill: Buffer[] = [];
  private spilled = 0;
  private readonly scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  private intoScratch = false;
  private lastSize = 0;

  /** `allocate(size)` gives each frame its buffer (fresh or reused). */
  constructor(private readonly allocate: (size: number) => Buffer) {}

  /** Bytes received that no announced frame accounts for yet. */
  get unpairedBytes(): number {
    return this.spilled + (this.filling && !this.filling.info ? this.filling.filled : 0);
  }

  /** A showinfo line announced a frame; frames it completes are pushed to `out`. */
  announce(info: ShowinfoFrame, out: AssembledFrame[]): void {
    this.infos.push(info);
    this.settle(out);
  }

  /** Where the next bytes should be read into (never empty). */
  target(): Buffer {
    const f = this.filling ?? this.start();
    this.intoScratch = !f || f.filled === f.data.length;
    return f && !this.intoScratch ? f.data.subarray(f.filled) : this.scratch;
  }

  /** `n` bytes were read into the last `target()`; frames they complete are pushed to `out`. */
  wrote(n: number, out: AssembledFrame[]): void {
    if (this.intoScratch) {
      this.spill.push(Buffer.from(this.scratch.subarray(0, n)));
      this.spilled += n;
      // A frame filled from set-aside bytes may still be short: these bytes come next in it,
      // before any later read lands in it directly (else its bytes would be out of order).
      const f = this.filling;
      if (f?.info && f.filled < f.data.length) this.drainSpill(f, out);
      this.settle(out);
      return;
    }
    const f = this.filling as Filling;
    f.filled += n;
    if (f.info && f.filled === f.data.length) this.complete(f, out);
  }

  private start(): Filling | undefined {
    if (this.spilled > 0) return undefined; // set-aside bytes go first, once a line sizes them
    const info = this.infos.shift();
    const size = info ? frameBytes(info) : this.lastSize;
    if (size === 0) return undefined;
    this.lastSize = size;
    this.filling = { info, data: this.allocate(size), filled: 0 };
    return this.filling;
  }

  private complete(f: Filling, out: AssembledFrame[]): void {
    out.push({ info: f.info as ShowinfoFrame, data: f.data });
    this.filling = undefined;
  }

  /** Pairs waiting lines with a frame sized ahead of its line and with set-aside bytes. */
  private settle(out: AssembledFrame[]): void {
    for (;;) {
      const info = this.infos[0];
      if (!info) return;
      const f = this.filling;
      if (f && !f.info) {
        if (frameBytes(info) === f.data.length) {
          f.info = this.infos.shift();
          if (f.filled === f.data.length) this.complete(f, out);
        } else {
          // Sized wrongly (the size changed): its bytes are the oldest set-aside bytes.
          this.spill.unshift(Buffer.from(f.data.subarray(0, f.filled)));
          this.spilled += f.filled;
          this.filling = undefined;
        }
      } else if (!f && this.spilled > 0) {
        this.infos.shift();
        this.fillFromSpill(info, out);
      } else {
        return;
      }
    }
  }

  private fillFromSpill(info: ShowinfoFrame, out: AssembledFrame[]): void {
    const size = frameBytes(info);
    this.lastSize = size;
    const f: Filling = { info, data: this.allocate(size), filled: 0 };
    this.filling = f;
    this.drainSpill(f, out);
  }

  /** Moves set-aside bytes, oldest first, into `f` (which has its line); completes it when full. */
  private drainSpill(f: Filling, out: AssembledFrame[]): void {
    const size = f.data.length;
    while (f.filled < size && this.spill.length > 0) {
      const chunk = this.spill[0] as Buffer;
      const n = chunk.copy(f.data, f.filled);
      f.filled += n;
      this.spilled -= n;
      if (n === chunk.length) this.spill.shift();
      else this.spill[0] = chunk.subarray(n);
    }
    if (f.filled === size) this.complete(f, out);
  }
}

function frameBytes(info: ShowinfoFrame): number {
  return info.width * info.height * 3;
}
