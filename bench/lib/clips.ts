/**
 * The bench clips, built once per run into a temp folder by the system ffmpeg: the 1280x720
 * sample looped to 540 frames, and the same upscaled to 1920x1080 (libx264 veryfast).
 *
 * @example
 * const clips = makeClips();
 * try { await decode(clips.clip720); } finally { clips.remove(); }
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The 1280x720 30 fps single-face sample (180 frames). */
export const SAMPLE = fileURLToPath(new URL('../../assets/sample/faces.mp4', import.meta.url));
/** Frames in each bench clip (the sample played three times). */
export const CLIP_FRAMES = 540;

export interface Clips {
  readonly clip720: string;
  /** Built only when asked for (`makeClips({ with1080: true })`, the default); '' otherwise. */
  readonly clip1080: string;
  /** Deletes the temp folder. */
  remove(): void;
}

/** Builds the clips; `with1080: false` skips the 1080p transcode (about 10 s). Defaults to true. */
export function makeClips(options: { readonly with1080?: boolean } = {}): Clips {
  const dir = mkdtempSync(join(tmpdir(), 'auf-bench-clips-'));
  const build = (args: string[]): void =>
    void execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-y', ...args]);
  const clip720 = join(dir, '720p.mp4');
  const clip1080 = join(dir, '1080p.mp4');
  build(['-stream_loop', '2', '-i', SAMPLE, '-c', 'copy', clip720]);
  const x264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23'];
  if (options.with1080 ?? true) build(['-i', clip720, '-vf', 'scale=1920:1080', ...x264, clip1080]);
  return {
    clip720,
    clip1080: (options.with1080 ?? true) ? clip1080 : '',
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
