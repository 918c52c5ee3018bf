/**
 * Helpers for the WebSocket server tests: a real `ws` client that records every message and
 * lets a test wait for the next one of a type (always with a deadline), and sample records.
 */
import { once } from 'node:events';
import { unpack } from 'msgpackr';
import WebSocket, { type ClientOptions, type RawData } from 'ws';
import type { FrameResult } from '../src/types/result.js';

export type Message = Record<string, unknown> & { type: string };

export interface Received {
  readonly message: Message;
  /** Binary frame (MessagePack) or text frame (JSON). */
  readonly binary: boolean;
}

/** Resolves with `promise`, or rejects after `ms` (the timer is always cleared). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export class TestClient {
  readonly received: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private cursor = 0;
  private wake: (() => void) | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: RawData, binary: boolean) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      const message = (binary ? unpack(bytes) : JSON.parse(bytes.toString('utf8'))) as Message;
      this.received.push({ message, binary });
      this.wake?.();
    });
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number, reason: Buffer) => {
        resolve({ code, reason: reason.toString('utf8') });
        this.wake?.();
      });
    });
  }

  /** Opens a client and waits for the hello. */
  static async open(url: string, options?: ClientOptions): Promise<{ client: TestClient; hello: Message }> {
    const ws = new WebSocket(url, options);
    ws.on('error', () => undefined); // failures show up as 'close' / 'unexpected-response'
    const client = new TestClient(ws);
    await within(once(ws, 'open'), 5000, `open ${url}`);
    return { client, hello: await client.next('hello') };
  }

  /** Waits for the next message of `type` (skipping others); rejects on close or after `ms`. */
  async next(type: string, ms = 5000): Promise<Message> {
    return within(this.take(type), ms, `a "${type}" message`);
  }

  /** Messages of `type` received so far, in order. */
  all(type: string): Message[] {
    return this.received.filter((r) => r.message.type === type).map((r) => r.message);
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Closes and waits until the socket is closed. */
  async dispose(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    await within(this.closed, 5000, 'client close');
  }

  private async take(type: string): Promise<Message> {
    for (;;) {
      for (const { message } of this.received.slice(this.cursor)) {
        this.cursor += 1;
        if (message.type === type) return message;
      }
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed before a "${type}" message`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** The HTTP status of a refused upgrade (rejects if the upgrade succeeds). */
export async function refusedStatus(url: string, options?: ClientOptions): Promise<number> {
  const ws = new WebSocket(url, options);
  ws.on('error', () => undefined);
  const outcome = new Promise<number>((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
  });
  return within(outcome, 5000, `refusal of ${url}`);
}

/** A typical frame result: `faces` faces with 12 AUs each. */
export function sampleFrame(sourceId: string, index: number, faces = 1): FrameResult {
  const auNames = [
    'AU01',
    'AU02',
    'AU04',
    'AU06',
    'AU07',
    'AU10',
    'AU12',
    'AU14',
    'AU15',
    'AU17',
    'AU23',
    'AU24',
  ];
  return {
    type: 'frame',
    sourceId,
    index,
    ptsMs: index * 33.333,
    capturedAtMs: 1_764_000_000_000 + index * 33,
    width: 640,
    height: 480,
    status: faces > 0 ? 'ok' : 'no-face',
    faces: Array.from({ length: faces }, (_, f) => ({
      trackId: f + 1,
      box: { x: 100.5 + f, y: 80.25, width: 120, height: 140 },
      score: 0.93,
      keypoints: [
        { x: 130, y: 120 },
        { x: 190, y: 121 },
        { x: 160, y: 150 },
        { x: 160, y: 180 },
        { x: 105, y: 130 },
        { x: 215, y: 131 },
      ],
      aus: Object.fromEntries(auNames.map((au, i) => [au, ((index + i + f) % 10) / 10 + 0.05])),
    })),
  };
}
