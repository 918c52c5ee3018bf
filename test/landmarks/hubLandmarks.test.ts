/** StreamHub: every source's faces get landmarks from one shared FaceMesh. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, type Subscription } from 'rxjs';
import { playAsLive } from '../../src/hub/playAsLive.js';
import { StreamHub } from '../../src/hub/StreamHub.js';
import { FaceMesh } from '../../src/landmarks/FaceMesh.js';
import { AUModel } from '../../src/model/AUModel.js';
import { DEFAULT_MODEL_PATH } from '../../src/model/defaultModel.js';
import { fromFile } from '../../src/sources/fromFile.js';
import type { Frame } from '../../src/types/frame.js';
import type { AnalysisRecord, FrameResult } from '../../src/types/result.js';

const clip = (name: string): string => fileURLToPath(new URL(`../../assets/sample/${name}`, import.meta.url));

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('StreamHub landmarks', () => {
  let model: AUModel;
  before(async () => (model = await AUModel.create(DEFAULT_MODEL_PATH, { maxBatch: 2, maxWaitMs: 100 })));
  after(() => model.dispose());

  it('runs both sources through the one FaceMesh it is given and leaves it open on close', async () => {
    const mesh = await FaceMesh.create();
    const hub = await StreamHub.create({ model, maxInFlight: 1, landmarks: { mesh } });
    const records: AnalysisRecord[] = [];
    const sub: Subscription = hub.records.subscribe((r) => records.push(r));
    try {
      for (const [id, name] of [
        ['cam-a', 'faces.mp4'],
        ['cam-b', 'group.mp4'],
      ] as const) {
        hub.add(id, playAsLive(fromFile(clip(name), { sourceId: id, maxWidth: 640 }), { loop: true }));
      }
      const faces = (id: string): FrameResult['faces'][number][] =>
        records
          .filter((r): r is FrameResult => r.type === 'frame' && r.sourceId === id)
          .flatMap((r) => r.faces);
      await waitFor(
        () => faces('cam-a').length >= 3 && faces('cam-b').length >= 3,
        60_000,
        'faces of both sources',
      );
    } finally {
      sub.unsubscribe();
      await hub.close();
    }
    const all = records.filter((r): r is FrameResult => r.type === 'frame').flatMap((r) => r.faces);
    const meshed = all.filter((f) => f.landmarks);
    assert.ok(meshed.length >= 0.8 * all.length, `${meshed.length} of ${all.length} faces have a mesh`);
    assert.ok(meshed.every((f) => f.landmarks?.points.length === 468 && f.pose && f.geometry));
    assert.ok(
      mesh.stats.faces >= all.length,
      `the shared mesh ran ${mesh.stats.faces} faces for ${all.length}`,
    );
    assert.ok(mesh.stats.runs <= mesh.stats.faces);
    // Still open: the hub does not dispose a mesh it was given.
    assert.deepEqual(await mesh.landmarks(await firstFrame(), []), []);
    await mesh.dispose();
  });
});

function firstFrame(): Promise<Frame> {
  return firstValueFrom(fromFile(clip('faces.mp4'), { endMs: 100 }));
}
