/**
 * Captures a v4l2 webcam (`/dev/video0`) as RGB frames, with the same status stream and
 * reconnection as `fromRtsp` (a camera unplugged and plugged back in resumes on its own).
 *
 * A device path that does not exist, or is not a character device, fails at once with
 * `AUF_ERR_STREAM_NOT_FOUND` (status `failed`) when the source was never live; once live, a
 * vanished device is an outage and is retried under `maxAttempts`.
 *
 * ```
 * fromWebcam().frames   --f0--f1--f2--(unplugged)------------f3--f4--
 * fromWebcam().status   c--L----------R-----R----------------L-------
 * ```
 *
 * Example:
 * ```ts
 * import { fromWebcam } from 'auformer-stream';
 * const cam = fromWebcam('/dev/video0', { videoSize: '1280x720', frameRate: 30, maxWidth: 640 });
 * cam.frames.subscribe((f) => console.log(f.index, f.ptsMs, f.width, f.height));
 * // 0 0 640 360, 1 33.333 640 360, ...
 * ```
 * @see docs/live-sources.md (no camera in CI: what is and is not tested).
 */
import { stat } from 'node:fs/promises';
import { OptionError } from '../errors.js';
import { webcamArgs } from '../ffmpeg/liveArgs.js';
import { resolveFfmpeg } from '../ffmpeg/resolveFfmpeg.js';
import { type LiveSourceOptions, resolveLiveOptions } from './live/liveOptions.js';
import { type LiveSource, createLiveSource } from './live/liveSource.js';

export interface WebcamSourceOptions extends LiveSourceOptions {
  /** Capture size asked of the camera, `WIDTHxHEIGHT` in pixels. Defaults to the camera's own (undefined). */
  readonly videoSize?: string;
  /** Capture rate asked of the camera, frames per second. Defaults to the camera's own (undefined). */
  readonly frameRate?: number;
  /** Camera pixel format (`mjpeg` for high resolutions over USB 2, `yuyv422`, ...). Defaults to the camera's own. */
  readonly inputFormat?: string;
  /** Jitter source in [0, 1) for reconnection waits. Defaults to Math.random. */
  readonly random?: () => number;
}

export function fromWebcam(device = '/dev/video0', options: WebcamSourceOptions = {}): LiveSource {
  const { videoSize, frameRate, inputFormat, random, ...live } = options;
  const opts = resolveLiveOptions(live);
  if (videoSize !== undefined && !/^\d{1,5}x\d{1,5}$/.test(videoSize)) {
    throw new OptionError(`Option "videoSize" must look like "1280x720" (pixels), got "${videoSize}".`);
  }
  if (frameRate !== undefined && !(Number.isFinite(frameRate) && frameRate > 0)) {
    throw new OptionError(
      `Option "frameRate" must be a positive number (frames per second), got ${String(frameRate)}.`,
    );
  }
  if (inputFormat !== undefined && !/^[a-z0-9_]+$/i.test(inputFormat)) {
    throw new OptionError(
      `Option "inputFormat" must be a pixel format name such as "mjpeg" or "yuyv422", got "${inputFormat}".`,
    );
  }
  return createLiveSource({
    sourceId: opts.sourceId ?? device,
    source: device,
    kind: 'webcam',
    options: opts,
    ...(random ? { random } : {}),
    prepare: async () => {
      const info = await stat(device); // ENOENT is classified as AUF_ERR_STREAM_NOT_FOUND
      if (!info.isCharacterDevice())
        throw new Error(`Cannot open video device ${device}: not a character device`);
      const binary = await resolveFfmpeg(opts.ffmpegPath);
      const args = webcamArgs(binary, device, {
        lowLatency: opts.lowLatency,
        ...(videoSize !== undefined ? { videoSize } : {}),
        ...(frameRate !== undefined ? { frameRate } : {}),
        ...(inputFormat !== undefined ? { inputFormat } : {}),
        ...(opts.fps !== undefined ? { fps: opts.fps } : {}),
        ...(opts.maxWidth !== undefined ? { maxWidth: opts.maxWidth } : {}),
      });
      return { ffmpegPath: binary.path, args };
    },
  });
}
