/**
 * Reads a request body of at most `maxBytes`: a larger `Content-Length`, or more bytes than
 * that arriving, rejects with `tooLarge` at once (the rest is not buffered), so one oversized
 * request costs no memory.
 */
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(
      new BodyTooLargeError(`the body is ${declared} bytes; this server takes at most ${maxBytes}`),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        reject(new BodyTooLargeError(`the body is over ${maxBytes} bytes, the most this server takes`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
    req.once('aborted', () => reject(new Error('the client aborted the request')));
  });
}
