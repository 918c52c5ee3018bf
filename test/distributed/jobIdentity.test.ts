/** What decides an archive job's identity and shape: part ranges, fingerprints, stable keys. */
import assert from 'node:assert/strict';
import { appendFile, copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { fingerprintFile, jobKeyOf, stableJson } from '../../src/distributed/fingerprint.js';
import { planParts } from '../../src/distributed/planParts.js';
import { makeTempDir } from '../helpers/media.js';

const MIN = 60_000;
let temp: Awaited<ReturnType<typeof makeTempDir>>;
before(async () => (temp = await makeTempDir()));
after(() => temp.cleanup());

it('splits into chunks; a short last piece joins the part before it', () => {
  assert.deepEqual(planParts(25 * MIN, 10 * MIN), [
    { startMs: 0, endMs: 10 * MIN },
    { startMs: 10 * MIN, endMs: 20 * MIN },
    { startMs: 20 * MIN },
  ]);
  assert.deepEqual(planParts(20 * MIN + 1000, 10 * MIN), [
    { startMs: 0, endMs: 10 * MIN },
    { startMs: 10 * MIN },
  ]);
  assert.deepEqual(planParts(10 * MIN + 5000, 10 * MIN), [{ startMs: 0 }]);
  assert.deepEqual(planParts(undefined, 10 * MIN), [{ startMs: 0 }], 'unknown duration: one part');
  assert.throws(() => planParts(MIN, 10), { code: 'AUF_ERR_INVALID_OPTION' });
});

it('fingerprints content, not names; any append changes it', async () => {
  const a = join(temp.dir, 'a.bin');
  await writeFile(a, Buffer.alloc(3 * 1024 * 1024, 7));
  const copy = join(temp.dir, 'copy.bin');
  await copyFile(a, copy);
  const first = await fingerprintFile(a);
  assert.equal(await fingerprintFile(copy), first);
  await appendFile(copy, 'x');
  assert.notEqual(await fingerprintFile(copy), first);
  assert.match(first, /^3145728:[0-9a-f]{64}$/);
});

it('job keys do not depend on key order, and change with any option', () => {
  assert.equal(
    stableJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } }),
    '{"a":{"d":[1,{"e":3,"f":2}]},"b":1}',
  );
  const key = jobKeyOf({ fingerprint: 'x', options: { smooth: { method: 'ema' }, track: {} } });
  assert.equal(key, jobKeyOf({ options: { track: {}, smooth: { method: 'ema' } }, fingerprint: 'x' }));
  assert.notEqual(key, jobKeyOf({ fingerprint: 'x', options: { smooth: { method: 'median' }, track: {} } }));
  assert.match(key, /^auf-[0-9a-f]{24}$/);
});
