/**
 * headPose on the canonical face posed by known rotations: the weighted Procrustes fit and the
 * Euler convention (OpenFace's R = Rx * Ry * Rz, x right, y down, z away) recover the angles.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headPose } from '../../src/landmarks/headPose.js';
import { posedCanonicalMesh } from './syntheticMesh.js';

describe('headPose', () => {
  it('is zero for the canonical face looking at the camera, at any scale and position', () => {
    for (const [scale, cx] of [
      [5, 40],
      [30, 900],
    ] as const) {
      const pose = headPose(posedCanonicalMesh(0, 0, 0, scale, cx, 100));
      for (const v of Object.values(pose)) assert.ok(Math.abs(v) < 1e-6, JSON.stringify(pose));
    }
  });

  for (const [pitch, yaw, roll] of [
    [15, 0, 0],
    [0, 25, 0],
    [0, 0, -30],
    [-20, 35, 12],
    [10, -40, -25],
  ] as const) {
    it(`recovers pitch ${pitch}, yaw ${yaw}, roll ${roll} within 1e-6 deg`, () => {
      const pose = headPose(posedCanonicalMesh(pitch, yaw, roll));
      assert.ok(Math.abs(pose.pitchDeg - pitch) < 1e-6, JSON.stringify(pose));
      assert.ok(Math.abs(pose.yawDeg - yaw) < 1e-6, JSON.stringify(pose));
      assert.ok(Math.abs(pose.rollDeg - roll) < 1e-6, JSON.stringify(pose));
    });
  }

  it('signs: positive roll turns the face clockwise in the image, positive yaw moves the nose image-left, positive pitch moves it down', () => {
    const tip = (p: number, y: number, r: number): { x: number; y: number } =>
      posedCanonicalMesh(p, y, r)[4] as { x: number; y: number };
    const eyes = (r: number): number => {
      const m = posedCanonicalMesh(0, 0, r);
      return Math.atan2((m[263]?.y ?? 0) - (m[33]?.y ?? 0), (m[263]?.x ?? 0) - (m[33]?.x ?? 0));
    };
    assert.ok(eyes(20) > 0, 'eye line tilts down to the right: clockwise');
    assert.ok(tip(0, 30, 0).x < tip(0, 0, 0).x);
    assert.ok(tip(20, 0, 0).y > tip(0, 0, 0).y);
  });
});
