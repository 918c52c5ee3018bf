/** Helpers of the preview tests: decode a JPEG with Debian's ffmpeg to its raw rgb24 pixels. */
import { spawn } from 'node:child_process';

/** Decodes `jpeg` with /usr/bin/ffmpeg; resolves with its rgb24 bytes (rejects on a decode error). */
export function decodeJpeg(jpeg: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const args = ['-hide_banner', '-loglevel', 'error', '-f', 'image2pipe', '-c:v', 'mjpeg', '-i', 'pipe:0'];
    const child = spawn('/usr/bin/ffmpeg', [...args, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg could not decode: ${err}`)),
    );
    child.stdin.end(jpeg);
  });
}

/** Bytes of a preview message's `data`: MessagePack gives bytes, JSON gives base64. */
export function previewBytes(data: unknown): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'base64');
  if (data instanceof Uint8Array) return Buffer.from(data);
  throw new Error(`preview data is neither bytes nor base64: ${typeof data}`);
}
