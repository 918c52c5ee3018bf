/** Every error code in src/errors.ts is documented in docs/errors.md, and nothing else is. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { it } from 'node:test';

it('docs/errors.md lists exactly the codes of src/errors.ts', async () => {
  const source = await readFile('src/errors.ts', 'utf8');
  const union = /export type ErrorCode =([^;]+);/.exec(source)?.[1] ?? '';
  const codes = [...union.matchAll(/'(AUF_ERR_[A-Z_]+)'/g)].map((m) => m[1]).sort();
  const doc = await readFile('docs/errors.md', 'utf8');
  const documented = [...doc.matchAll(/^\| `(AUF_ERR_[A-Z_]+)`/gm)].map((m) => m[1]).sort();
  assert.ok(codes.length >= 15, `found ${codes.length} codes`);
  assert.deepEqual(documented, codes);
});
