/**
 * fromRtsp survives outages of a real RTSP server: killed and restarted on the same port, and
 * frozen (SIGSTOP: sockets open, no data) long enough to be detected as a stall.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromRtsp } from '../src/sources/fromRtsp.js';
import { ffmpegChildren, waitForNoFfmpeg } from './helpers/media.js';
import { LiveWatch } from './helpers/liveWatch.js';
import { RtspServer } from './helpers/rtspServer.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('fromRtsp outages (real RTSP server)', () => {
  let server: RtspServer;
  before(async () => {
    server = await RtspServer.start();
  });
  after(async () => {
    await server.stop();
  });

  it('server killed mid-stream and restarted after 2 s: reconnecting -> live, frames resume, no leaked ffmpeg', async () => {
    const watch = new LiveWatch(
      fromRtsp(server.url(), { initialDelayMs: 100, maxDelayMs: 400, stallTimeoutMs: 2000 }),
    );
    let maxChildren = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxChildren = Math.max(maxChildren, (await ffmpegChildren()).filter((c) => c.state !== 'Z').length);
        await sleep(50);
      }
    })();
    let beforeOutage = 0;
    let killedAt = 0;
    try {
      await watch.until('15 frames', () => watch.frames.length >= 15);
      await server.stop();
      killedAt = Date.now();
      beforeOutage = watch.frames.length;
      await watch.until('reconnecting', () => watch.last?.state === 'reconnecting');
      await sleep(2000);
      await server.start();
      await watch.until('15 frames after the restart', () => watch.frames.length >= beforeOutage + 15);
    } finally {
      watch.close();
      sampling = false;
      await sampler;
    }
    const states = watch.states;
    assert.equal(states[0], 'connecting');
    assert.equal(states[1], 'live');
    const down = states.indexOf('reconnecting');
    assert.ok(down > 1, `states ${states.join(' > ')}`);
    assert.equal(states.indexOf('live', down), states.length - 2, `states ${states.join(' > ')}`);
    assert.equal(states[states.length - 1], 'ended');
    const final = watch.last;
    assert.ok(
      (final?.reconnects ?? 0) >= 2,
      `reconnects ${final?.reconnects}: the server was down ~2 s with 100-400 ms waits`,
    );
    assert.ok(
      watch.statuses.some((s) => s.state === 'reconnecting' && s.error?.code === 'AUF_ERR_STREAM_CONNECT'),
    );
    // Indexes continue and media time keeps increasing, with a gap about the outage's length.
    const frames = watch.frames;
    for (let i = 1; i < frames.length; i += 1) {
      assert.equal(frames[i]?.index, (frames[i - 1]?.index ?? NaN) + 1);
      assert.ok((frames[i]?.ptsMs ?? 0) > (frames[i - 1]?.ptsMs ?? Infinity), `ptsMs not increasing at ${i}`);
    }
    // One jump in media time, where the new connection was anchored: exactly the wall-clock gap.
    const jumps = frames.flatMap((f, i) =>
      i > 0 && f.ptsMs - (frames[i - 1]?.ptsMs ?? 0) > 1000 ? [i] : [],
    );
    assert.equal(jumps.length, 1, `media-time jumps at ${jumps.join(',')}`);
    const lastBefore = frames[(jumps[0] ?? 0) - 1];
    const firstAfter = frames[jumps[0] ?? 0];
    assert.ok(lastBefore && firstAfter && firstAfter.capturedAtMs > killedAt);
    const gap = firstAfter.ptsMs - lastBefore.ptsMs;
    const wallGap = firstAfter.capturedAtMs - lastBefore.capturedAtMs;
    assert.ok(gap >= 2000 && Math.abs(gap - wallGap) < 0.01, `media gap ${gap} ms vs wall gap ${wallGap} ms`);
    assert.equal(watch.error, undefined);
    assert.ok(maxChildren <= 1, `${maxChildren} ffmpeg processes at once`);
    assert.equal(await waitForNoFfmpeg(), 0, 'ffmpeg left running');
  });

  it('a frozen server is detected as stalled after stallTimeoutMs, then the source reconnects and goes live', async () => {
    const watch = new LiveWatch(
      fromRtsp(server.url(), {
        stallTimeoutMs: 800,
        connectTimeoutMs: 1500,
        initialDelayMs: 100,
        maxDelayMs: 300,
      }),
    );
    let frozenAt = 0;
    try {
      await watch.until('10 frames', () => watch.frames.length >= 10);
      server.pause();
      frozenAt = Date.now();
      await watch.until('stalled', () => watch.statuses.some((s) => s.state === 'stalled'));
      await watch.until('reconnecting', () => watch.last?.state === 'reconnecting');
      server.resume();
      const seen = watch.frames.length;
      await watch.until('frames after the stall', () => watch.frames.length >= seen + 10);
    } finally {
      server.resume();
      watch.close();
    }
    const stalled = watch.statuses.find((s) => s.state === 'stalled');
    assert.ok(stalled?.lastFrameAtMs !== undefined && stalled.lastFrameAtMs >= frozenAt - 1000);
    assert.match(stalled.error?.message ?? '', /no frame for 800 ms/);
    const states = watch.states;
    assert.deepEqual(states.slice(0, 4), ['connecting', 'live', 'stalled', 'reconnecting']);
    assert.deepEqual(states.slice(-2), ['live', 'ended']);
    assert.ok((watch.last?.reconnects ?? 0) >= 1);
    assert.equal(watch.error, undefined);
    assert.equal(await waitForNoFfmpeg(), 0, 'ffmpeg left running');
  });
});
