import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the bundled 6-second sample clip (one frontal face, 1280x720, 30 fps;
 * assets/sample/README.md), shipped in the npm package so examples and smoke tests run anywhere.
 *
 * Example
 * ```ts
 * import { analyze, SAMPLE_VIDEO } from 'auformer-stream';
 * analyze(SAMPLE_VIDEO, { source: { fps: 5 } }).subscribe((r) => console.log(r.type));
 * ```
 */
export const SAMPLE_VIDEO = fileURLToPath(new URL('../../assets/sample/faces.mp4', import.meta.url));
