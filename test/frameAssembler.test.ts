/**
 * How ffmpeg's raw video reaches frames: FrameAssembler pairing bytes with showinfo lines in
 * every order, and both channels (socket, pipe) of rawOutput.ts giving the same frames.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { lastValueFrom, map, take, toArray } from 'rxjs';
import { decodeArgs } from '../src/ffmpeg/ffmpegArgs.js';
import { ffmpegFrames } from '../src/ffmpeg/ffmpegFrames.js';
import { FrameAssembler, type AssembledFrame } from '../src/ffmpeg/frameAssembler.js';
import type { RawOutputKind } from '../src/ffmpeg/rawOutput.js';
import { resolveFfmpeg } from '../src/ffmpeg/resolveFfmpeg.js';
import type { ShowinfoFrame } from '../src/ffmpeg/showinfo.js';
import { SAMPLE_FACES, waitForNoFfmpeg } from './helpers/media.js';

const info = (width: number, height: number, ptsMs = 0): ShowinfoFrame => ({ ptsMs, width, height });

/** Feeds `bytes` in reads of at most `readSize`, as a socket would. */
function feed(a: FrameAssembler, bytes: Uint8Array, readSize: number, out: AssembledFrame[]): void {
  for (let at = 0; at < bytes.length;) {
    const target = a.target();
    const n = Math.min(target.length, readSize, bytes.length - at);
    target.set(bytes.subarray(at, at + n));
    a.wrote(n, out);
    at += n;
  }
}

/** `count` bytes counting up from `start` (mod 256), so misplaced bytes show. */
const ramp = (start: number, count: number): Uint8Array =>
  Uint8Array.from({ length: count }, (_, i) => (start + i) % 256);

describe('FrameAssembler', () => {
  it('lines first: every frame gets its own bytes, read straight into its buffer', () => {
    const allocated: number[] = [];
    const a = new FrameAssembler((size) => (allocated.push(size), Buffer.alloc(size)));
    const out: AssembledFrame[] = [];
    a.announce(info(4, 2, 0), out);
    a.announce(info(4, 2, 40), out);
    feed(a, ramp(0, 48), 5, out);
    assert.deepEqual(
      out.map((f) => [f.info.ptsMs, [...f.data]]),
      [
        [0, [...ramp(0, 24)]],
        [40, [...ramp(24, 24)]],
      ],
    );
    assert.deepEqual(allocated, [24, 24]);
    assert.equal(a.unpairedBytes, 0);
  });

  it('bytes first: the first frame waits for its line; later ones fill a frame sized like the last', () => {
    const a = new FrameAssembler((size) => Buffer.alloc(size));
    const out: AssembledFrame[] = [];
    feed(a, ramp(0, 30), 7, out); // no size known yet: set aside
    assert.equal(out.length, 0);
    assert.equal(a.unpairedBytes, 30);
    a.announce(info(4, 2, 0), out); // 24 bytes: frame 0 complete, 6 bytes start frame 1
    assert.deepEqual([...(out[0]?.data ?? [])], [...ramp(0, 24)]);
    feed(a, ramp(30, 18), 7, out); // frame 1's remaining bytes arrive before its line
    assert.equal(out.length, 1, 'a frame is not emitted before its line');
    a.announce(info(4, 2, 40), out);
    assert.deepEqual([...(out[1]?.data ?? [])], [...ramp(24, 24)]);
    assert.equal(out[1]?.info.ptsMs, 40);
  });

  it('a size change while bytes ran ahead moves them to the right frame', () => {
    const a = new FrameAssembler((size) => Buffer.alloc(size));
    const out: AssembledFrame[] = [];
    a.announce(info(4, 2), out);
    feed(a, ramp(0, 24), 24, out); // frame 0 (24 bytes)
    feed(a, ramp(24, 20), 6, out); // guessed 24 bytes, but the next frame is 2x2 (12 bytes)
    a.announce(info(2, 2, 40), out);
    a.announce(info(2, 2, 80), out);
    feed(a, ramp(44, 4), 4, out);
    assert.deepEqual(
      out.map((f) => [f.info.width, [...f.data]]),
      [
        [4, [...ramp(0, 24)]],
        [2, [...ramp(24, 12)]],
        [2, [...ramp(36, 12)]],
      ],
    );
    assert.equal(a.unpairedBytes, 0);
    a.announce(info(2, 2, 120), out); // nothing stale is left: the next frame pairs exactly
    feed(a, ramp(48, 12), 5, out);
    assert.deepEqual([...(out[3]?.data ?? [])], [...ramp(48, 12)]);
  });

  it('regression: a read pending into scratch when a line sizes the set-aside bytes stays in order', () => {
    // Under load the showinfo line can arrive while a read into the scratch buffer is pending:
    // the frame filled from the set-aside bytes was left short, the pending bytes were set
    // aside again, and the next read landed in the frame ahead of them (scrambled pixels).
    const a = new FrameAssembler((size) => Buffer.alloc(size));
    const out: AssembledFrame[] = [];
    const bytes = ramp(0, 24);
    a.target().set(bytes.subarray(0, 10));
    a.wrote(10, out); // no line yet: set aside
    const pending = a.target(); // scratch, since bytes are set aside
    a.announce(info(4, 2, 0), out); // the line comes while that read is in flight
    pending.set(bytes.subarray(10, 15));
    a.wrote(5, out);
    feed(a, bytes.subarray(15), 4, out);
    assert.equal(out.length, 1);
    assert.deepEqual([...out[0]!.data], [...bytes]);
  });
});

describe('ffmpegFrames over each channel', () => {
  it('socket and pipe give the same frames, pixels intact; nothing is left behind', async () => {
    const binary = await resolveFfmpeg();
    const socketFolders = () => readdirSync(tmpdir()).filter((n) => n.startsWith('auf-video-')).length;
    const before = socketFolders();
    const decode = (output: RawOutputKind) =>
      ffmpegFrames(binary.path, decodeArgs(binary, SAMPLE_FACES, { fps: 5, maxWidth: 320 }), {
        sourceId: 's',
        source: SAMPLE_FACES,
        highWaterMark: 2,
        ptsMs: (ms) => ms,
        output,
      });
    const sum = (d: Uint8Array): number => d.reduce((h, v, i) => (h + v * ((i % 97) + 1)) % 1e9, 0);
    const frames = (output: RawOutputKind) =>
      lastValueFrom(
        decode(output).pipe(
          map((f) => [f.index, f.ptsMs, f.width, sum(f.data)]),
          toArray(),
        ),
      );
    const [socket, pipe] = [await frames('socket'), await frames('pipe')];
    assert.equal(socket.length, 30);
    assert.deepEqual(socket[3]?.slice(0, 3), [3, 600, 320]);
    assert.equal(new Set(socket.map((f) => f[3])).size, 30, 'every frame has its own pixels');
    assert.deepEqual(socket, pipe);
    for (const output of ['socket', 'pipe'] as const) {
      assert.equal((await lastValueFrom(decode(output).pipe(take(2), toArray()))).length, 2);
    }
    assert.equal(await waitForNoFfmpeg(), 0);
    assert.equal(socketFolders(), before, 'no socket folder is left in the temp folder');
  });

  it('falls back to the pipe when no socket can be made (no usable temporary folder)', async () => {
    const binary = await resolveFfmpeg();
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = '/nonexistent/auformer-test';
    try {
      const frames = await lastValueFrom(
        ffmpegFrames(binary.path, decodeArgs(binary, SAMPLE_FACES, { fps: 2, maxWidth: 160 }), {
          sourceId: 's',
          source: SAMPLE_FACES,
          highWaterMark: 2,
          ptsMs: (ms) => ms,
        }).pipe(toArray()),
      );
      assert.equal(frames.length, 12);
      assert.ok(frames.every((f) => f.data.length === 160 * 90 * 3));
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
  });

  it('leaves no file descriptor open after many decodes, finished or cut short', async () => {
    const binary = await resolveFfmpeg();
    const openFds = (): number => readdirSync('/proc/self/fd').length;
    const decode = () =>
      ffmpegFrames(binary.path, decodeArgs(binary, SAMPLE_FACES, { fps: 1, maxWidth: 64 }), {
        sourceId: 's',
        source: SAMPLE_FACES,
        highWaterMark: 1,
        ptsMs: (ms) => ms,
      });
    await lastValueFrom(decode().pipe(toArray())); // warm-up: lazily opened handles
    const before = openFds();
    for (let i = 0; i < 20; i++) {
      const frames = await lastValueFrom(decode().pipe(take(i % 2 ? 1 : 100), toArray()));
      assert.ok(frames.length >= 1);
    }
    assert.equal(await waitForNoFfmpeg(), 0);
    await new Promise((resolve) => setTimeout(resolve, 200)); // sockets close on the next ticks
    assert.ok(openFds() <= before + 2, `${openFds()} descriptors open, ${before} before`);
  });

  it('a spawn that throws (a path with a NUL byte) ends in a typed error, not a hang', async () => {
    const binary = await resolveFfmpeg();
    const frames = ffmpegFrames('/usr/bin/ff\0mpeg', decodeArgs(binary, SAMPLE_FACES), {
      sourceId: 's',
      source: SAMPLE_FACES,
      highWaterMark: 2,
      ptsMs: (ms) => ms,
    });
    await assert.rejects(lastValueFrom(frames), { name: 'MediaError', code: 'AUF_ERR_DECODE' });
  });
});
