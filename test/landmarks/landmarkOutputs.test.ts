/** How CSV (auformer and openface styles) and JSONL write landmarks, pose and geometry. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { from, lastValueFrom } from 'rxjs';
import { OptionError } from '../../src/errors.js';
import { faceGeometry } from '../../src/landmarks/faceGeometry.js';
import { headPose } from '../../src/landmarks/headPose.js';
import { IBUG68_FROM_MESH } from '../../src/landmarks/ibug68.js';
import { DEFAULT_MODEL_PATH } from '../../src/model/defaultModel.js';
import { readModelCard } from '../../src/model/modelCard.js';
import { toCsv } from '../../src/sinks/toCsv.js';
import { toJsonLines } from '../../src/sinks/toJsonLines.js';
import type { FaceResult, FrameResult } from '../../src/types/result.js';
import { posedCanonicalMesh } from './syntheticMesh.js';

const dir = mkdtempSync(join(tmpdir(), 'auf-lmk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const points = posedCanonicalMesh(10, -20, 5);
const meshed: FaceResult = {
  trackId: 1,
  box: { x: 200, y: 100, width: 240, height: 260 },
  score: 0.9,
  keypoints: [],
  aus: { AU12: 0.7 },
  landmarks: { points, presence: 0.987654, roi: { centerX: 320, centerY: 240, size: 360, angle: 0.1 } },
  pose: headPose(points),
  geometry: faceGeometry(points),
};
const bare: FaceResult = {
  trackId: 2,
  box: { x: 0, y: 0, width: 50, height: 50 },
  score: 0.6,
  keypoints: [],
  aus: { AU12: 0.1 },
};
const frame: FrameResult = {
  type: 'frame',
  sourceId: 'cam',
  index: 0,
  ptsMs: 0,
  capturedAtMs: 0,
  width: 640,
  height: 480,
  status: 'ok',
  faces: [meshed, bare],
};

function csv(path: string, sep = ','): Record<string, string>[] {
  const [head, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const names = (head ?? '').split(sep);
  return rows.map((r) => Object.fromEntries(r.split(sep).map((v, i) => [names[i], v])));
}

describe('landmark outputs', () => {
  it('CSV: pose_R* in radians, geometry, x_k/y_k of the 68-point map; empty cells for a face without a mesh', async () => {
    const path = join(dir, 'a.csv');
    await lastValueFrom(from([frame]).pipe(toCsv(path, { auNames: ['AU12'], landmarks: true })));
    const [a, b] = csv(path);
    assert.ok(Math.abs(Number(a?.['pose_Rx']) - (10 * Math.PI) / 180) < 1e-4);
    assert.ok(Math.abs(Number(a?.['pose_Ry']) + (20 * Math.PI) / 180) < 1e-4);
    assert.ok(Math.abs(Number(a?.['pose_Rz']) - (5 * Math.PI) / 180) < 1e-4);
    assert.equal(Number(a?.['landmark_presence']), 0.98765);
    assert.ok(Math.abs(Number(a?.['eye_openness_right']) - (meshed.geometry?.rightEyeOpenness ?? 0)) <= 5e-5);
    for (const k of [0, 8, 30, 36, 67]) {
      const p = points[IBUG68_FROM_MESH[k] as number];
      assert.ok(
        Math.abs(Number(a?.[`x_${k}`]) - (p?.x ?? NaN)) <= 0.05 &&
          Math.abs(Number(a?.[`y_${k}`]) - (p?.y ?? NaN)) <= 0.05,
      );
    }
    assert.equal(b?.['pose_Rx'], '');
    assert.equal(b?.['x_67'], '');
    assert.equal(b?.['y_67'], '');
  });

  it('CSV without landmarks (the SDK default) has none of those columns', async () => {
    const path = join(dir, 'b.csv');
    await lastValueFrom(from([frame]).pipe(toCsv(path, { auNames: ['AU12'] })));
    assert.ok(!Object.keys(csv(path)[0] ?? {}).some((c) => /^(pose_|x_\d|y_\d|eye_open)/.test(c)));
  });

  it('openface style: pose_Rx..Rz then x_0..x_67, y_0..y_67 before the AU columns', async () => {
    const path = join(dir, 'c.csv');
    await lastValueFrom(
      from([frame]).pipe(toCsv(path, { auNames: ['AU12'], landmarks: true, style: 'openface' })),
    );
    const header = readFileSync(path, 'utf8').split('\n')[0] ?? '';
    const names = header.split(', ');
    assert.deepEqual(names.slice(5, 9), ['pose_Rx', 'pose_Ry', 'pose_Rz', 'x_0']);
    assert.deepEqual(names.slice(-3), ['y_66', 'y_67', 'AU12_c']);
    assert.equal(names.length, 5 + 3 + 136 + 1);
    const [a] = csv(path, ', ');
    assert.ok(Math.abs(Number(a?.['pose_Rz']) - (5 * Math.PI) / 180) < 1e-4);
  });

  it('JSONL: 68 [x, y, z] points by default, 468 on request, pose in degrees, geometry', async () => {
    for (const meshPoints of [68, 468] as const) {
      const path = join(dir, `d${meshPoints}.jsonl`);
      await lastValueFrom(
        from([frame]).pipe(
          toJsonLines(path, {
            header: { model: await readModelCard(DEFAULT_MODEL_PATH), sources: [] },
            meshPoints,
          }),
        ),
      );
      const line = JSON.parse(readFileSync(path, 'utf8').trim().split('\n')[1] ?? '') as FrameResult & {
        faces: {
          landmarks?: { scheme: string; presence: number; points: number[][] };
          pose?: Record<string, number>;
        }[];
      };
      const face = line.faces[0];
      assert.equal(face?.landmarks?.scheme, meshPoints === 68 ? 'ibug68' : 'mediapipe468');
      assert.equal(face?.landmarks?.points.length, meshPoints);
      const k = meshPoints === 68 ? (IBUG68_FROM_MESH[8] as number) : 8;
      const p = points[k];
      assert.deepEqual(
        face?.landmarks?.points[8],
        [p?.x, p?.y, p?.z].map((v) => Math.round((v ?? 0) * 10) / 10 || 0),
      );
      assert.ok(Math.abs((face?.pose?.['yawDeg'] ?? 0) + 20) < 0.01);
      assert.equal(line.faces[1]?.landmarks, undefined);
    }
    const card = await readModelCard(DEFAULT_MODEL_PATH);
    assert.throws(
      () =>
        toJsonLines(join(dir, 'x.jsonl'), { header: { model: card, sources: [] }, meshPoints: 100 as 68 }),
      OptionError,
    );
  });
});
