/** The WebSocket protocol (schema 2) carries each face's mesh compactly, pose and geometry. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { faceGeometry } from '../../src/landmarks/faceGeometry.js';
import { headPose } from '../../src/landmarks/headPose.js';
import { IBUG68_FROM_MESH } from '../../src/landmarks/ibug68.js';
import { serveWebSocket } from '../../src/sinks/serveWebSocket.js';
import { SCHEMA_VERSION } from '../../src/sinks/ws/protocol.js';
import { OptionError } from '../../src/errors.js';
import type { FrameResult } from '../../src/types/result.js';
import { sampleFrame, TestClient } from '../websocket.helpers.js';
import { posedCanonicalMesh } from './syntheticMesh.js';

function meshedFrame(): FrameResult {
  const base = sampleFrame('cam', 3, 1);
  const points = posedCanonicalMesh(5, 15, -10);
  const face = {
    ...(base.faces[0] as FrameResult['faces'][number]),
    landmarks: { points, presence: 0.99, roi: { centerX: 320, centerY: 240, size: 300, angle: 0 } },
    pose: headPose(points),
    geometry: faceGeometry(points),
  };
  return { ...base, faces: [face] };
}

describe('WebSocket landmarks', () => {
  for (const meshPoints of [68, 468] as const) {
    it(`frame messages carry ${meshPoints} [x, y, z] mesh points, pose and geometry (schema ${SCHEMA_VERSION})`, async () => {
      const server = await serveWebSocket({ heartbeatMs: 0, meshPoints });
      try {
        const { client, hello } = await TestClient.open(`${server.url}?encoding=json`);
        assert.equal(hello['schemaVersion'], 2);
        client.send({ type: 'subscribe', sources: '*' });
        await client.next('subscription');
        const frame = meshedFrame();
        assert.equal(server.publish(frame), 1);
        const message = await client.next('frame');
        const face = (message['faces'] as Record<string, unknown>[])[0] ?? {};
        const landmarks = face['landmarks'] as { scheme: string; points: number[][] };
        assert.equal(landmarks.scheme, meshPoints === 68 ? 'ibug68' : 'mediapipe468');
        assert.equal(landmarks.points.length, meshPoints);
        const source =
          frame.faces[0]?.landmarks?.points[meshPoints === 68 ? (IBUG68_FROM_MESH[30] as number) : 30];
        assert.ok(Math.abs((landmarks.points[30]?.[0] ?? NaN) - (source?.x ?? NaN)) <= 0.05);
        assert.ok(Math.abs(((face['pose'] as { yawDeg: number }).yawDeg ?? NaN) - 15) < 0.01);
        assert.ok(typeof (face['geometry'] as { mouthOpenness: number }).mouthOpenness === 'number');
        await client.dispose();
      } finally {
        await server.close();
      }
    });
  }

  it('rejects meshPoints other than 68 or 468', async () => {
    await assert.rejects(() => serveWebSocket({ meshPoints: 100 as 68 }), OptionError);
  });
});
