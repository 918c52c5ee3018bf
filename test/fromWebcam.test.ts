/**
 * fromWebcam without a camera (none exists on CI machines): what can be tested is option
 * checking, a missing device or a non-device path failing at once with a typed error and
 * status `failed`, and (in fromRtspParts.test.ts) the v4l2 argument list. Capturing from a
 * real /dev/video* device is not tested here: see docs/live-sources.md.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamError } from '../src/errors.js';
import { fromWebcam } from '../src/sources/fromWebcam.js';
import { REPO_ROOT, waitForNoFfmpeg } from './helpers/media.js';
import { LiveWatch } from './helpers/liveWatch.js';

describe('fromWebcam', () => {
  it('a missing device fails at once with AUF_ERR_STREAM_NOT_FOUND and status failed (no retries)', async () => {
    const source = fromWebcam('/dev/video-auf-missing', { initialDelayMs: 50 });
    assert.equal(source.sourceId, '/dev/video-auf-missing');
    const watch = new LiveWatch(source);
    try {
      await watch.until('the error', () => watch.error !== undefined, 5000);
    } finally {
      watch.close();
    }
    assert.ok(watch.error instanceof StreamError);
    assert.equal(watch.error.code, 'AUF_ERR_STREAM_NOT_FOUND');
    assert.match(watch.error.message, /\/dev\/video-auf-missing was not found.*ls \/dev\/video\*/);
    assert.deepEqual(watch.states, ['connecting', 'failed']);
    assert.equal(watch.last?.reconnects, 0);
    assert.equal(watch.last?.error?.code, 'AUF_ERR_STREAM_NOT_FOUND');
    assert.equal(watch.frames.length, 0);
    assert.equal(await waitForNoFfmpeg(), 0);
  });

  it('a path that is not a character device (a regular file) is refused the same way', async () => {
    const watch = new LiveWatch(fromWebcam(`${REPO_ROOT}package.json`, { sourceId: 'desk-cam' }));
    try {
      await watch.until('the error', () => watch.error !== undefined, 5000);
    } finally {
      watch.close();
    }
    assert.ok(watch.error instanceof StreamError);
    assert.equal(watch.error.code, 'AUF_ERR_STREAM_NOT_FOUND');
    assert.deepEqual(
      watch.statuses.map((s) => s.sourceId),
      ['desk-cam', 'desk-cam'],
    );
  });

  it('rejects bad capture options with errors that name them', () => {
    assert.throws(() => fromWebcam('/dev/video0', { videoSize: '1280*720' }), {
      code: 'AUF_ERR_INVALID_OPTION',
      message: /"videoSize"/,
    });
    assert.throws(() => fromWebcam('/dev/video0', { frameRate: 0 }), { message: /"frameRate"/ });
    assert.throws(() => fromWebcam('/dev/video0', { inputFormat: 'mjpeg -i x' }), {
      message: /"inputFormat"/,
    });
    assert.throws(() => fromWebcam('/dev/video0', { maxWidth: 1.5 }), { message: /"maxWidth"/ });
  });
});
