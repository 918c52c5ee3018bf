/** The 468 -> 68 map: re-derived from the canonical face it equals the committed table. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalFaceModel } from '../../src/landmarks/canonicalFaceModel.js';
import { deriveIbug68Map, resampleChain } from '../../src/landmarks/deriveIbug68.js';
import { IBUG68_FROM_MESH, toIbug68 } from '../../src/landmarks/ibug68.js';

describe('468 -> 68 landmark map', () => {
  it('is what deriveIbug68Map gives on the canonical face (68 distinct mesh indices)', () => {
    const derived = deriveIbug68Map(canonicalFaceModel().vertices);
    assert.deepEqual(derived, IBUG68_FROM_MESH);
    assert.equal(new Set(IBUG68_FROM_MESH).size, 68);
    assert.ok(IBUG68_FROM_MESH.every((i) => Number.isInteger(i) && i >= 0 && i < 468));
  });

  it('follows the 68-point anatomy on the canonical face (x right, y up)', () => {
    const p = toIbug68(canonicalFaceModel().vertices);
    const at = (k: number): { x: number; y: number } => p[k] as { x: number; y: number };
    // Chin (8) is the lowest jaw point, on the midline; the jaw runs image-left to image-right.
    assert.ok(p.slice(0, 17).every((q) => q.y >= at(8).y));
    assert.ok(Math.abs(at(8).x) < 1e-6);
    assert.ok(at(0).x < 0 && at(16).x > 0);
    // Right eye (36-41) is on the image left of the left eye (42-47); 36 and 45 are outer corners.
    assert.ok(at(36).x < at(39).x && at(39).x < at(42).x && at(42).x < at(45).x);
    // Upper lids above lower lids; the nose tip (30) is the most protruding point.
    assert.ok(at(37).y > at(41).y && at(44).y > at(46).y);
    assert.ok(p.every((q) => q.z <= (p[30] as { z: number }).z));
    // Mouth corners 48/54 and 60/64 are left/right of the lip centres 51, 57, 62, 66.
    for (const k of [51, 57, 62, 66]) assert.ok(at(48).x < at(k).x && at(k).x < at(54).x);
    assert.ok(at(51).y > at(62).y && at(62).y >= at(66).y && at(66).y > at(57).y);
  });

  it('resampleChain keeps both ends and spaces points by arc length', () => {
    const line = [0, 1, 2, 3, 4].map((x) => ({ x: x * x, y: 0, z: 0 })); // 0, 1, 4, 9, 16
    assert.deepEqual(resampleChain([0, 1, 2, 3, 4], 3, line), [0, 3, 4]); // 8 is nearest 9
  });
});
