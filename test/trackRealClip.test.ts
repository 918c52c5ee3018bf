/**
 * trackFaces on the real multi-face clip (assets/sample/group.mp4: four people, a slow pan, so
 * faces leave on the left and enter on the right) through real ffmpeg and real BlazeFace.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { lastValueFrom, toArray } from 'rxjs';
import { detectFaces } from '../src/operators/detectFaces.js';
import { trackFaces } from '../src/operators/trackFaces.js';
import { fromFile } from '../src/sources/fromFile.js';

const clip = fileURLToPath(new URL('../assets/sample/group.mp4', import.meta.url));

describe('trackFaces on group.mp4', () => {
  it('gives each of the four people one id, kept for every frame they are in', async () => {
    const out = await lastValueFrom(fromFile(clip).pipe(detectFaces(), trackFaces(), toArray()));
    assert.equal(out.length, 90);
    const framesOf = new Map<number, number[]>();
    const centresOf = new Map<number, number[]>();
    for (const { frame, faces } of out) {
      const ids = faces.map((f) => f.trackId ?? -1);
      assert.equal(new Set(ids).size, ids.length, `frame ${frame.index}: an id appears twice`);
      for (const face of faces) {
        const id = face.trackId ?? -1;
        framesOf.set(id, [...(framesOf.get(id) ?? []), frame.index]);
        centresOf.set(id, [...(centresOf.get(id) ?? []), face.box.x + face.box.width / 2]);
      }
    }
    assert.deepEqual([...framesOf.keys()].sort(), [1, 2, 3, 4]);
    for (const [id, frames] of framesOf) {
      // One unbroken run per id: no fragmentation, no id coming back after a switch.
      assert.equal(frames.length, (frames.at(-1) ?? 0) - (frames[0] ?? 0) + 1, `track ${id} has gaps`);
      // The camera pans right, so every face drifts left by a few pixels a frame: a jump
      // would mean the id moved to another person.
      const centres = centresOf.get(id) ?? [];
      centres.forEach(
        (x, i) => i > 0 && assert.ok(Math.abs(x - (centres[i - 1] ?? x)) < 40, `track ${id} jumps at ${i}`),
      );
    }
    // Person 1 is there from the start and leaves on the left; 2 stays throughout; 3 and 4
    // enter on the right (3 near the start, 4 around the middle).
    const span = (id: number): [number, number] => [
      framesOf.get(id)?.[0] ?? -1,
      framesOf.get(id)?.at(-1) ?? -1,
    ];
    assert.equal(span(1)[0], 0);
    assert.ok(span(1)[1] < 60, `person 1 leaves before frame 60, not ${span(1)[1]}`);
    assert.deepEqual(span(2), [0, 89]);
    assert.equal(span(3)[1], 89);
    assert.ok(span(4)[0] > 30 && span(4)[1] === 89, `person 4 enters mid-clip, not ${span(4)[0]}`);
  });
});
