/**
 * A video with blinks at known times: a real photo held still at 10 fps, both eyes of every
 * face painted shut (lid-coloured skin and a dark lash line, by ffmpeg's drawbox) during the
 * given windows of media time.
 */
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { analyze, type AUModel, type Point3 } from '../../src/index.js';
import { LEFT_EYE_CONTOUR, RIGHT_EYE_CONTOUR } from '../../src/landmarks/meshContours.js';
import { loadImage, photoPath } from '../detectorPhotos.js';
import { run, SYSTEM_FFMPEG } from '../helpers/media.js';

/** Mesh points on the cheek below each eye: the lid colour. */
const SKIN_BELOW = [
  [RIGHT_EYE_CONTOUR, 101],
  [LEFT_EYE_CONTOUR, 330],
] as const;

export async function makeBlinkingClip(
  dir: string,
  model: AUModel,
  closedSeconds: readonly (readonly [number, number])[],
  seconds: number,
): Promise<string> {
  const photo = photoPath('sample3.jpg');
  const [still, records] = await Promise.all([
    loadImage(photo),
    lastValueFrom(analyze(photo, { model }).pipe(toArray())),
  ]);
  const frame = records.find((r) => r.type === 'frame');
  const enable = closedSeconds.map(([a, b]) => `between(t,${a},${b})`).join('+');
  const boxes: string[] = [];
  for (const face of frame?.type === 'frame' ? frame.faces : []) {
    const points = (face.landmarks?.points ?? []) as readonly Point3[];
    for (const [contour, skinPoint] of SKIN_BELOW) {
      const eye = contour.map((i) => points[i]!);
      const x = Math.round(Math.min(...eye.map((p) => p.x)) - 4);
      const y = Math.round(Math.min(...eye.map((p) => p.y)) - 6);
      const w = Math.round(Math.max(...eye.map((p) => p.x)) + 4) - x;
      const h = Math.round(Math.max(...eye.map((p) => p.y)) + 4) - y;
      const skin = points[skinPoint]!;
      const at = (Math.round(skin.y) * still.width + Math.round(skin.x)) * 3;
      const colour = (scale: number): string =>
        `0x${[0, 1, 2]
          .map((c) =>
            Math.round(still.data[at + c]! * scale)
              .toString(16)
              .padStart(2, '0'),
          )
          .join('')}`;
      boxes.push(`drawbox=x=${x}:y=${y}:w=${w}:h=${h}:color=${colour(1)}:t=fill:enable='${enable}'`);
      const lash = Math.round(y + h / 2);
      boxes.push(`drawbox=x=${x}:y=${lash}:w=${w}:h=3:color=${colour(0.35)}:t=fill:enable='${enable}'`);
    }
  }
  if (boxes.length === 0) throw new Error('no face with a mesh in sample3.jpg');
  const out = join(dir, 'blinks.mp4');
  await run(SYSTEM_FFMPEG, [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-framerate', '10', '-t', String(seconds)],
    ...['-i', photo, '-vf', [...boxes, 'scale=trunc(iw/2)*2:trunc(ih/2)*2'].join(',')],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv444p', out],
  ]);
  return out;
}
