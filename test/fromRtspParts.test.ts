/**
 * The pieces behind fromRtsp/fromWebcam, without a server: ffmpeg argument lists for both
 * ffmpeg generations (checked against the real binaries' option lists), backoff, the media
 * clock, the latest-wins slot and failure classification.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamError } from '../src/errors.js';
import { LOW_LATENCY_INPUT_ARGS, rtspArgs, webcamArgs } from '../src/ffmpeg/liveArgs.js';
import { resolveFfmpeg } from '../src/ffmpeg/resolveFfmpeg.js';
import { retainFrame } from '../src/operators/frameLease.js';
import { backoffDelayMs } from '../src/sources/live/backoff.js';
import { LatestWins } from '../src/sources/live/latestWins.js';
import { MediaClock } from '../src/sources/live/mediaClock.js';
import { classifyConnectionEnd, redactAll } from '../src/sources/live/streamFailure.js';
import type { Frame } from '../src/types/frame.js';
import { REPO_ROOT, run, SYSTEM_FFMPEG } from './helpers/media.js';

const EMBEDDED = `${REPO_ROOT}node_modules/@ffmpeg-installer/linux-x64/ffmpeg`;

function frame(index: number): Frame {
  return {
    sourceId: 's',
    index,
    ptsMs: index * 40,
    capturedAtMs: 0,
    width: 1,
    height: 1,
    data: new Uint8Array(3),
  };
}

describe('rtspArgs / webcamArgs', () => {
  it('uses -timeout (µs) on ffmpeg 5 and -stimeout (µs) on the embedded 2018 build, as each binary documents', async () => {
    for (const [path, option] of [
      [SYSTEM_FFMPEG, '-timeout'],
      [EMBEDDED, '-stimeout'],
    ] as const) {
      const binary = await resolveFfmpeg(path);
      const args = rtspArgs(binary, 'rtsp://u:p@h/x', {
        transport: 'udp',
        connectTimeoutMs: 2500,
        lowLatency: false,
      });
      const at = args.indexOf(option);
      assert.ok(at >= 0 && at < args.indexOf('-i'), `${option} before -i in ${args.join(' ')}`);
      assert.equal(args[at + 1], '2500000');
      assert.deepEqual(args.slice(args.indexOf('-rtsp_transport'), args.indexOf('-rtsp_transport') + 2), [
        '-rtsp_transport',
        'udp',
      ]);
      assert.equal(args[args.indexOf('-i') + 1], 'rtsp://u:p@h/x');
      const help = await run(path, ['-hide_banner', '-h', 'demuxer=rtsp']);
      const line = help.split('\n').find((l) => l.trimStart().startsWith(`${option} `)) ?? '';
      assert.match(line, /socket.*I\/O.*microseconds|microseconds.*socket/i, `${path}: ${line}`);
    }
  });

  it('puts the low-latency flags before -i only when asked, and keeps decodeArgs output (showinfo, rgb24)', async () => {
    const binary = await resolveFfmpeg(SYSTEM_FFMPEG);
    const fast = rtspArgs(binary, 'rtsp://h/x', {
      transport: 'tcp',
      connectTimeoutMs: 1000,
      lowLatency: true,
      fps: 5,
      maxWidth: 640,
    });
    const input = fast.slice(0, fast.indexOf('-i'));
    for (const flag of LOW_LATENCY_INPUT_ARGS) assert.ok(input.includes(flag), flag);
    const filters = fast[fast.indexOf('-vf') + 1] ?? '';
    assert.match(filters, /^fps=5,scale=.*640.*,showinfo=checksum=0$/);
    assert.deepEqual(fast.slice(-5), ['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    const slow = rtspArgs(binary, 'rtsp://h/x', {
      transport: 'tcp',
      connectTimeoutMs: 1000,
      lowLatency: false,
    });
    assert.ok(!slow.includes('nobuffer'));
  });

  it('webcam: -f v4l2 with size, rate and pixel format before the device', async () => {
    const binary = await resolveFfmpeg(SYSTEM_FFMPEG);
    const args = webcamArgs(binary, '/dev/video2', {
      videoSize: '1280x720',
      frameRate: 30,
      inputFormat: 'mjpeg',
      lowLatency: false,
    });
    const input = args.slice(args.indexOf('-f'), args.indexOf('-i') + 2);
    assert.deepEqual(input, [
      '-f',
      'v4l2',
      '-input_format',
      'mjpeg',
      '-framerate',
      '30',
      '-video_size',
      '1280x720',
      '-i',
      '/dev/video2',
    ]);
  });
});

describe('backoffDelayMs', () => {
  const policy = { initialDelayMs: 500, maxDelayMs: 4000, jitter: 0.5 };
  it('doubles from initialDelayMs up to maxDelayMs; jitter takes up to its fraction off', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 60, 5000].map((a) => backoffDelayMs(a, policy, () => 0)),
      [500, 1000, 2000, 4000, 4000, 4000, 4000],
    );
    assert.deepEqual(
      [1, 2, 4].map((a) => backoffDelayMs(a, policy, () => 0.999999)),
      [250, 500, 2000],
    );
    assert.equal(
      backoffDelayMs(3, { ...policy, jitter: 0 }, () => 0.7),
      2000,
    );
  });
});

describe('MediaClock', () => {
  it('starts at 0, follows media time, and anchors each reconnection at the wall-clock gap', () => {
    const clock = new MediaClock();
    assert.deepEqual(
      [5000, 5040, 5080].map((raw, i) => clock.map(raw, 1000 + i * 40)),
      [0, 40, 80],
    );
    clock.reanchor();
    assert.deepEqual(
      [0, 40].map((raw, i) => clock.map(raw, 4080 + i * 40)),
      [3080, 3120],
    );
  });
  it('drops frames that do not advance (B-frames out of order) and re-anchors on a big jump back or unknown time', () => {
    const clock = new MediaClock();
    const out = [0, -100, -66.667, 33.333, 66.667].map((raw) => clock.map(raw, 0));
    assert.deepEqual(out, [0, undefined, undefined, 33.333, 66.667]);
    assert.equal(clock.map(10, 500), undefined, 'a small step back is reordering: dropped');
    assert.equal(
      clock.map(-5000, 500),
      566.667,
      'a jump back > 1 s (looped server) re-anchors at the wall-clock gap',
    );
    assert.equal(clock.map(-4960, 540), 606.667);
    assert.equal(clock.map(NaN, 600), 666.667, 'unknown time: wall-clock gap');
    assert.equal(clock.map(123, 640), 706.667, 'and the next known time is anchored again');
  });
});

describe('LatestWins', () => {
  it('holds one pending frame while downstream retains maxInFlight frames, drops and counts older ones', () => {
    const seen: number[] = [];
    const releases: (() => void)[] = [];
    const slot = new LatestWins(1, (f) => {
      seen.push(f.index);
      releases.push(retainFrame(f));
    });
    for (let i = 0; i < 5; i += 1) slot.offer(frame(i));
    assert.deepEqual(seen, [0]);
    assert.equal(slot.pendingCount, 1);
    assert.equal(slot.dropped, 3);
    releases.shift()?.();
    assert.deepEqual(seen, [0, 4]);
    assert.equal(slot.pendingCount, 0);
    slot.offer(frame(5));
    slot.close();
    releases.shift()?.();
    assert.deepEqual(seen, [0, 4], 'nothing is emitted after close');
  });
  it('emits every frame when downstream is synchronous', () => {
    const seen: number[] = [];
    const slot = new LatestWins(1, (f) => seen.push(f.index));
    for (let i = 0; i < 4; i += 1) slot.offer(frame(i));
    assert.deepEqual(seen, [0, 1, 2, 3]);
    assert.equal(slot.dropped, 0);
  });
});

describe('classifyConnectionEnd', () => {
  const ctx = { source: 'rtsp://h/x', kind: 'rtsp' as const, wasLive: false };
  it('404 fails at once before the source was live, and is retried once it was', () => {
    const cause = new Error(
      'ffmpeg could not decode (ffmpeg exit 1: rtsp://u:pw@h/x: Server returned 404 Not Found). Check',
    );
    const first = classifyConnectionEnd(cause, ctx);
    assert.equal(first.retry, false);
    assert.ok(first.error instanceof StreamError);
    assert.equal(first.error.code, 'AUF_ERR_STREAM_NOT_FOUND');
    assert.ok(!first.error.message.includes('pw'));
    assert.equal(classifyConnectionEnd(cause, { ...ctx, wasLive: true }).retry, true);
  });
  it('401 is a connect error about credentials; refused connections are retried', () => {
    const denied = classifyConnectionEnd(
      new Error('(ffmpeg exit 1: method DESCRIBE failed: 401 Unauthorized)'),
      ctx,
    );
    assert.deepEqual([denied.retry, denied.error.code], [false, 'AUF_ERR_STREAM_CONNECT']);
    assert.match(denied.error.message, /user and password/);
    const refused = classifyConnectionEnd(new Error('(ffmpeg exit 1: Connection refused)'), ctx);
    assert.deepEqual([refused.retry, refused.error.code], [true, 'AUF_ERR_STREAM_CONNECT']);
  });
  it('redactAll removes user:password@ from every URL in a text', () => {
    assert.equal(
      redactAll('a rtsp://u:p@h/x and tcp://admin:1234@h:1 done'),
      'a rtsp://h/x and tcp://h:1 done',
    );
  });
});
