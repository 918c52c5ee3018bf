/**
 * fromRtsp against a real GStreamer RTSP server on 127.0.0.1 (test/helpers/rtsp_server.py):
 * frames and status, UDP, wrong path, a port that never answers, latest-wins and credentials.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StreamError } from '../src/errors.js';
import { retainFrame } from '../src/operators/frameLease.js';
import { fromRtsp } from '../src/sources/fromRtsp.js';
import { REPO_ROOT, waitForNoFfmpeg } from './helpers/media.js';
import { LiveWatch } from './helpers/liveWatch.js';
import { LIVE_CLIP, RtspServer, freePort } from './helpers/rtspServer.js';

const FRAME_MS = 1000 / LIVE_CLIP.fps;

describe('fromRtsp (real RTSP server)', () => {
  let server: RtspServer;
  before(async () => {
    server = await RtspServer.start();
  });
  after(async () => {
    await server.stop();
  });

  it('emits the stream frames with sizes, indexes and media-time ptsMs; status connecting -> live', async () => {
    const watch = new LiveWatch(fromRtsp(server.url(), { connectTimeoutMs: 8000 }));
    try {
      await watch.until('30 frames', () => watch.frames.length >= 30);
    } finally {
      watch.close();
    }
    const frames = watch.frames.slice(0, 30);
    assert.deepEqual(
      frames.map((f) => f.index),
      Array.from({ length: 30 }, (_, i) => i),
    );
    for (const f of frames) {
      assert.equal(f.width, LIVE_CLIP.width);
      assert.equal(f.height, LIVE_CLIP.height);
      assert.equal(f.sourceId, server.url());
    }
    assert.equal(frames[0]?.ptsMs, 0);
    for (let i = 1; i < frames.length; i += 1) {
      const step = (frames[i]?.ptsMs ?? NaN) - (frames[i - 1]?.ptsMs ?? NaN);
      assert.ok(Math.abs(step - FRAME_MS) < 1, `media step ${step} ms at frame ${i}, expected ${FRAME_MS}`);
      assert.ok((frames[i]?.capturedAtMs ?? 0) >= (frames[i - 1]?.capturedAtMs ?? Infinity));
    }
    assert.deepEqual(watch.states, ['connecting', 'live', 'ended']);
    const final = watch.last;
    assert.equal(final?.reconnects, 0);
    assert.equal(final?.droppedFrames, 0);
    assert.ok((final?.framesIn ?? 0) >= 30);
    assert.equal(watch.error, undefined);
    assert.equal(await waitForNoFfmpeg(), 0, 'ffmpeg left running after unsubscribe');
  });

  it('pulls over UDP when transport is "udp", downscaled by maxWidth', async () => {
    const watch = new LiveWatch(fromRtsp(server.url(), { transport: 'udp', maxWidth: 320 }));
    try {
      await watch.until('10 frames over UDP', () => watch.frames.length >= 10);
    } finally {
      watch.close();
    }
    assert.deepEqual(
      watch.frames.slice(0, 10).map((f) => [f.width, f.height]),
      Array(10).fill([320, 180]),
    );
    assert.equal(watch.error, undefined);
    assert.equal(await waitForNoFfmpeg(), 0);
  });

  it('works with the embedded 2018 ffmpeg too (its socket timeout option is -stimeout)', async () => {
    const ffmpegPath = `${REPO_ROOT}node_modules/@ffmpeg-installer/linux-x64/ffmpeg`;
    const watch = new LiveWatch(
      fromRtsp(server.url(), { ffmpegPath, connectTimeoutMs: 4000, maxAttempts: 0 }),
    );
    try {
      await watch.until(
        '5 frames from the embedded ffmpeg',
        () => watch.frames.length >= 5 || watch.error !== undefined,
      );
    } finally {
      watch.close();
    }
    assert.equal(watch.error, undefined);
    assert.deepEqual(
      watch.frames.slice(0, 5).map((f) => [f.index, f.width, f.height]),
      [0, 1, 2, 3, 4].map((i) => [i, 640, 360]),
    );
    assert.equal(await waitForNoFfmpeg(), 0);
  });

  it('a wrong path fails at once with AUF_ERR_STREAM_NOT_FOUND (no retries)', async () => {
    const watch = new LiveWatch(fromRtsp(server.url({ path: 'no-such-stream' }), { initialDelayMs: 50 }));
    try {
      await watch.until('the error', () => watch.error !== undefined);
    } finally {
      watch.close();
    }
    assert.ok(watch.error instanceof StreamError);
    assert.equal(watch.error.code, 'AUF_ERR_STREAM_NOT_FOUND');
    assert.match(watch.error.message, /no-such-stream was not found/);
    assert.deepEqual(watch.states, ['connecting', 'failed']);
    assert.equal(watch.last?.reconnects, 0);
    assert.equal(watch.last?.error?.code, 'AUF_ERR_STREAM_NOT_FOUND');
    assert.equal(await waitForNoFfmpeg(), 0);
  });

  it('a port that never answers ends failed after maxAttempts with AUF_ERR_STREAM_FAILED; no credential leaks', async () => {
    const port = await freePort();
    const url = `rtsp://user:s3cret-pw@127.0.0.1:${port}/x`;
    const source = fromRtsp(url, { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 100, random: () => 0 });
    assert.equal(source.sourceId, `rtsp://127.0.0.1:${port}/x`);
    const watch = new LiveWatch(source);
    try {
      await watch.until('the error', () => watch.error !== undefined);
    } finally {
      watch.close();
    }
    assert.ok(watch.error instanceof StreamError);
    assert.equal(watch.error.code, 'AUF_ERR_STREAM_FAILED');
    assert.match(watch.error.message, /after 2 reconnection attempt\(s\)/);
    assert.match(watch.error.message, /Connection refused/);
    assert.deepEqual(watch.states, ['connecting', 'reconnecting', 'failed']);
    assert.deepEqual(
      watch.statuses.map((s) => s.reconnects),
      [0, 1, 2, 2],
    );
    assert.equal(watch.last?.framesIn, 0);
    const everything = JSON.stringify({
      statuses: watch.statuses,
      message: watch.error.message,
      stack: watch.error.stack,
    });
    assert.ok(!everything.includes('s3cret'), 'password leaked');
    assert.ok(!everything.includes('user:'), 'user name leaked');
    assert.equal(await waitForNoFfmpeg(), 0);
  });

  it('latest-wins: a consumer that retains frames gets the newest one; older ones are dropped and counted', async () => {
    const HOLD_MS = 300;
    const received: { index: number; duringRelease: boolean }[] = [];
    let holding = false;
    let releasing = false;
    let overlap = false;
    const timers = new Set<NodeJS.Timeout>();
    const watch = new LiveWatch(fromRtsp(server.url(), { statusIntervalMs: 100 }), (frame) => {
      if (holding) overlap = true;
      holding = true;
      received.push({ index: frame.index, duringRelease: releasing });
      const release = retainFrame(frame);
      const timer = setTimeout(() => {
        timers.delete(timer);
        holding = false;
        releasing = true;
        release(); // the pending frame is emitted synchronously from here
        releasing = false;
      }, HOLD_MS);
      timers.add(timer);
    });
    try {
      await watch.until('6 frames through a slow consumer', () => received.length >= 6);
    } finally {
      watch.close();
      for (const t of timers) clearTimeout(t);
    }
    assert.equal(overlap, false, 'a frame was emitted while the consumer still retained one (maxInFlight 1)');
    // After the first, every frame came out of the one-frame slot when the consumer let go.
    assert.ok(received.slice(1, 6).every((r) => r.duringRelease));
    const gaps = received.slice(1, 6).map((r, i) => r.index - (received[i]?.index ?? 0));
    assert.ok(
      gaps.every((g) => g >= 5),
      `index gaps ${gaps.join(',')}: expected ~${HOLD_MS / FRAME_MS} frames skipped`,
    );
    const final = watch.last;
    assert.equal(final?.state, 'ended');
    const emitted = watch.frames.length;
    const unaccounted = (final?.framesIn ?? 0) - emitted - (final?.droppedFrames ?? 0);
    assert.ok(
      unaccounted === 0 || unaccounted === 1,
      `framesIn - emitted - dropped = ${unaccounted} (only one frame may wait)`,
    );
    assert.ok((final?.droppedFrames ?? 0) >= 5 * 5);
    assert.equal(await waitForNoFfmpeg(), 0);
  });

  it('rejects bad arguments and options with errors that name them', () => {
    assert.throws(() => fromRtsp('http://127.0.0.1/x'), {
      code: 'AUF_ERR_INVALID_OPTION',
      message: /rtsp:\/\//,
    });
    assert.throws(() => fromRtsp('rtsp://u:pw@h/x', { transport: 'sctp' as 'tcp' }), {
      message: /"transport".*tcp, udp/,
    });
    assert.throws(() => fromRtsp('rtsp://h/x', { maxAttempts: -1 }), { message: /"maxAttempts"/ });
    assert.throws(() => fromRtsp('rtsp://h/x', { initialDelayMs: 5000, maxDelayMs: 100 }), {
      message: /"initialDelayMs".*"maxDelayMs"/,
    });
    assert.throws(() => fromRtsp('rtsp://h/x', { jitter: 2 }), { message: /"jitter"/ });
    assert.throws(() => fromRtsp('rtsp://h/x', { maxInFlight: 0 }), { message: /"maxInFlight"/ });
    assert.throws(
      () => fromRtsp('rtsp://u:pw@h/x', { stallTimeoutMs: 0 }),
      (e: Error) => !e.message.includes('pw'),
    );
  });
});
