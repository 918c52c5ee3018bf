/** One decoded video frame. Plain data: survives `structuredClone` and is never mutated downstream. */
export interface Frame {
  /** Identifies the source (file path without credentials, camera name, ...). */
  readonly sourceId: string;
  /** 0-based, strictly increasing per source; counts decoded frames, including dropped ones. */
  readonly index: number;
  /** Presentation time from the container, in milliseconds from the start of the media. */
  readonly ptsMs: number;
  /** Wall-clock time (ms since the Unix epoch) at which the frame left the decoder. */
  readonly capturedAtMs: number;
  /** In pixels, after rotation and any downscale done by ffmpeg. */
  readonly width: number;
  readonly height: number;
  /** RGB24 bytes, row-major, `width * height * 3` long. */
  readonly data: Uint8Array;
}

/** Describes a source once it is opened (the JSONL header carries it). */
export interface SourceInfo {
  readonly sourceId: string;
  /** `file`, `images`, `rtsp`, `webcam` or `raw`. */
  readonly kind: string;
  /** Duration in milliseconds when known (files), else undefined. */
  readonly durationMs?: number;
  /** Average frame rate reported by the container, frames per second. */
  readonly fps?: number;
  readonly width?: number;
  readonly height?: number;
  readonly codec?: string;
  /** Which ffmpeg binary decoded it and its version (e.g. `/usr/bin/ffmpeg 5.1.6`). */
  readonly decoder?: string;
}
