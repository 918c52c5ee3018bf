/**
 * Parses the per-frame lines of ffmpeg's `showinfo` filter, which pair each raw frame on
 * stdout with its container timestamp and size.
 *
 * ```
 * [Parsed_showinfo_1 @ 0x...] config in time_base: 1/15360, frame_rate: 30/1
 * [Parsed_showinfo_1 @ 0x...] n:   1 pts:    512 pts_time:0.0333333 pos: 29826 fmt:rgb24 ... s:640x360 ...
 * ```
 */

/** One frame as showinfo saw it. */
export interface ShowinfoFrame {
  /** Presentation time in ms in the filter graph (0 = start of the decoded range). */
  readonly ptsMs: number;
  readonly width: number;
  readonly height: number;
}

/** Stateful parser: the `config in time_base` line gives exact timestamps (pts_time has 6 digits). */
export class ShowinfoParser {
  private timeBase: [number, number] | undefined;

  /** Returns the frame a line describes, or undefined for any other line. */
  parse(line: string): ShowinfoFrame | undefined {
    if (!line.includes('Parsed_showinfo')) return undefined;
    const tb = /config in time_base: (\d+)\/(\d+)/.exec(line);
    if (tb) {
      const num = Number(tb[1]);
      const den = Number(tb[2]);
      this.timeBase = num > 0 && den > 0 ? [num, den] : undefined;
      return undefined;
    }
    const frame = /\bn:\s*\d+\s+pts:\s*(-?\d+|NOPTS)\s+pts_time:(\S+).*?\bs:(\d+)x(\d+)/.exec(line);
    if (!frame) return undefined;
    const [, pts, ptsTime, width, height] = frame;
    let ptsMs: number;
    if (this.timeBase && pts !== 'NOPTS') {
      ptsMs = (Number(pts) * this.timeBase[0] * 1000) / this.timeBase[1];
    } else {
      ptsMs = Number(ptsTime) * 1000;
    }
    // Microsecond rounding removes float noise such as 33.333333333333336.
    return {
      ptsMs: Number.isFinite(ptsMs) ? Math.round(ptsMs * 1000) / 1000 : NaN,
      width: Number(width),
      height: Number(height),
    };
  }
}
