/**
 * trackFaces on synthetic box sequences with known identities. Metrics per scenario:
 * - id switches: consecutive detections of one person that carry different trackIds;
 * - impurities: a trackId that was given to more than one person.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { from, lastValueFrom, toArray } from 'rxjs';
import { OptionError } from '../src/errors.js';
import { trackFaces, type TrackFacesOptions } from '../src/operators/trackFaces.js';
import type { Box, Face } from '../src/types/face.js';
import type { Frame } from '../src/types/frame.js';
import type { FrameFaces } from '../src/types/pipeline.js';

/** A person: where their face box is at a time, or undefined when not detected. */
interface Person {
  readonly id: string;
  readonly at: (ms: number, frame: number) => { box: Box; score?: number } | undefined;
}

/** Deterministic jitter in [-1, 1] (no Math.random: failures must be reproducible). */
function jitter(seed: number): number {
  const s = Math.sin(seed * 12.9898) * 43758.5453;
  return 2 * (s - Math.floor(s)) - 1;
}

function boxAt(cx: number, cy: number, size: number, seed: number): Box {
  const n = 2; // pixels of detector noise
  return {
    x: cx - size / 2 + n * jitter(seed),
    y: cy - size / 2 + n * jitter(seed + 0.5),
    width: size + n * jitter(seed + 0.25),
    height: size + n * jitter(seed + 0.75),
  };
}

interface Scenario {
  readonly frames: FrameFaces[];
  /** Which person each input box belongs to. */
  readonly truth: Map<Box, string>;
}

function scenario(persons: readonly Person[], times: readonly number[], sourceId = 'cam'): Scenario {
  const truth = new Map<Box, string>();
  const frames = times.map((ptsMs, index) => {
    const frame: Frame = {
      sourceId,
      index,
      ptsMs,
      capturedAtMs: 0,
      width: 1280,
      height: 720,
      data: new Uint8Array(0),
    };
    const faces: Face[] = [];
    persons.forEach((p) => {
      const d = p.at(ptsMs, index);
      if (!d) return;
      truth.set(d.box, p.id);
      faces.push({ box: d.box, score: d.score ?? 0.9, keypoints: [] });
    });
    return { frame, faces };
  });
  return { frames, truth };
}

const fps30 = (seconds: number): number[] =>
  Array.from({ length: Math.round(seconds * 30) }, (_, i) => (i * 1000) / 30);

async function run(s: Scenario, options?: TrackFacesOptions) {
  const out = await lastValueFrom(from(s.frames).pipe(trackFaces(options), toArray()));
  const idsOf = new Map<string, number[]>();
  const personsOf = new Map<number, Set<string>>();
  let untracked = 0;
  for (const { faces } of out) {
    for (const face of faces) {
      const person = s.truth.get(face.box) ?? 'false-positive';
      if (face.trackId === undefined) untracked += 1;
      const id = face.trackId ?? -1;
      idsOf.set(person, [...(idsOf.get(person) ?? []), id]);
      personsOf.set(id, (personsOf.get(id) ?? new Set()).add(person));
    }
  }
  let switches = 0;
  for (const ids of idsOf.values()) ids.forEach((id, i) => (switches += i > 0 && id !== ids[i - 1] ? 1 : 0));
  const impurities = [...personsOf.values()].filter((p) => p.size > 1).length;
  return { out, idsOf, switches, impurities, untracked };
}

const walker = (
  id: string,
  x0: number,
  vx: number,
  y = 300,
  size = 120,
  hidden?: (ms: number) => boolean,
): Person => ({
  id,
  at: (ms, i) =>
    hidden?.(ms) ? undefined : { box: boxAt(x0 + (vx * ms) / 1000, y, size, i * 7 + id.length) },
});

describe('trackFaces', () => {
  it('keeps ids of two faces that cross each other', async () => {
    const s = scenario([walker('A', 200, 300), walker('B', 1000, -300)], fps30(3));
    const r = await run(s);
    assert.equal(r.switches, 0);
    assert.equal(r.impurities, 0);
    assert.deepEqual([...new Set(r.idsOf.get('A'))], [1]);
    assert.deepEqual([...new Set(r.idsOf.get('B'))], [2]);
  });

  it('keeps ids when the face behind is hidden while they cross', async () => {
    // B is not detected while the boxes overlap by more than a third (about 0.5 s).
    const hidden = (ms: number): boolean => Math.abs(200 + 0.3 * ms - (1000 - 0.3 * ms)) < 80;
    const s = scenario([walker('A', 200, 300), walker('B', 1000, -300, 300, 120, hidden)], fps30(3));
    const r = await run(s);
    assert.ok((r.idsOf.get('B')?.length ?? 0) < 90, 'B must be hidden for some frames');
    assert.equal(r.switches, 0);
    assert.equal(r.impurities, 0);
  });

  it('re-associates a face after an occlusion shorter than maxAgeMs, not after a longer one', async () => {
    const short = (ms: number): boolean => ms > 1000 && ms < 1600;
    const r1 = await run(scenario([walker('A', 200, 100, 300, 120, short)], fps30(3)));
    assert.deepEqual([...new Set(r1.idsOf.get('A'))], [1]);

    const long = (ms: number): boolean => ms > 1000 && ms < 2300;
    const r2 = await run(scenario([walker('A', 200, 100, 300, 120, long)], fps30(3)));
    // One fragmentation, and the old id is not reused.
    assert.deepEqual([...new Set(r2.idsOf.get('A'))], [1, 2]);
  });

  it('survives one missed detection in four, and dropped frames with variable gaps', async () => {
    const missing = (i: number): boolean => i > 0 && i % 4 === 0;
    const a: Person = { id: 'A', at: (ms, i) => (missing(i) ? undefined : walker('A', 200, 200).at(ms, i)) };
    const b: Person = {
      id: 'B',
      at: (ms, i) => (missing(i + 2) ? undefined : walker('B', 800, -50, 400).at(ms, i)),
    };
    const times = fps30(3).filter((_, i) => i % 7 !== 3 && i % 11 !== 5); // gaps of 33, 67 and 100 ms
    const r = await run(scenario([a, b], times));
    assert.equal(r.switches, 0);
    assert.equal(r.impurities, 0);
    assert.equal(r.idsOf.size, 2);
  });

  it('gives a newcomer a fresh id and leaves the others alone', async () => {
    const late: Person = {
      id: 'C',
      at: (ms, i) => (ms < 1000 ? undefined : walker('C', 600, 0, 150, 90).at(ms, i)),
    };
    const r = await run(scenario([walker('A', 200, 50), walker('B', 900, -50), late], fps30(2)));
    assert.deepEqual([...new Set(r.idsOf.get('A'))], [1]);
    assert.deepEqual([...new Set(r.idsOf.get('B'))], [2]);
    assert.deepEqual([...new Set(r.idsOf.get('C'))], [3]);
    assert.equal(r.untracked, 0);
  });

  it('continues a track through low-score detections but never starts one from them', async () => {
    const blurred: Person = {
      id: 'A',
      at: (ms, i) => {
        const d = walker('A', 200, 100).at(ms, i);
        return d && { box: d.box, score: ms > 500 && ms < 1000 ? 0.3 : 0.9 };
      },
    };
    const ghost: Person = { id: 'ghost', at: (ms, i) => ({ box: boxAt(1100, 600, 60, i), score: 0.3 }) };
    const r = await run(scenario([blurred, ghost], fps30(1.5)));
    assert.deepEqual([...new Set(r.idsOf.get('A'))], [1]);
    assert.equal(r.idsOf.get('A')?.length, 45, 'every frame of A is output, blurred ones included');
    assert.equal(r.idsOf.has('ghost'), false);
  });

  it('numbers ids per source from 1 and never mutates its input', async () => {
    const a = scenario([walker('A', 200, 0), walker('B', 700, 0)], fps30(0.5), 'left');
    const b = scenario([walker('C', 400, 0)], fps30(0.5), 'right');
    const frames = a.frames.flatMap((f, i) => [f, b.frames[i] as FrameFaces]);
    const snapshot = JSON.stringify(frames.map((f) => f.faces));
    const out = await lastValueFrom(from(frames).pipe(trackFaces(), toArray()));
    assert.equal(JSON.stringify(frames.map((f) => f.faces)), snapshot);
    const ids = (sourceId: string): number[] => [
      ...new Set(
        out.filter((f) => f.frame.sourceId === sourceId).flatMap((f) => f.faces.map((x) => x.trackId ?? -1)),
      ),
    ];
    assert.deepEqual(ids('left'), [1, 2]);
    assert.deepEqual(ids('right'), [1]);
    assert.ok(out.every((f, i) => f !== frames[i] && f.frame === frames[i]?.frame));
  });

  it('drops a tentative track on its first miss and does not reuse its id', async () => {
    // A false positive seen on frames 5 and 6 only, then a real face from frame 10.
    const blip: Person = {
      id: 'blip',
      at: (ms, i) => (i === 5 || i === 6 ? { box: boxAt(900, 500, 80, i) } : undefined),
    };
    const late: Person = { id: 'C', at: (ms, i) => (i < 10 ? undefined : { box: boxAt(300, 300, 100, i) }) };
    const r = await run(scenario([blip, late], fps30(1)));
    assert.deepEqual([...new Set(r.idsOf.get('blip'))], [1]);
    assert.deepEqual([...new Set(r.idsOf.get('C'))], [2]);
  });

  it('rejects invalid options naming the option', () => {
    assert.throws(
      () => trackFaces({ highScore: 1.5 }),
      (e: unknown) => e instanceof OptionError && /highScore/.test(e.message),
    );
    assert.throws(() => trackFaces({ lowScore: 0.8, highScore: 0.5 }), /lowScore/);
    assert.throws(() => trackFaces({ minHits: 0 }), /minHits/);
    assert.throws(() => trackFaces({ maxAgeMs: -1 }), /maxAgeMs/);
    assert.throws(() => trackFaces({ matchIou: 0 }), /matchIou/);
  });
});
