/* global process, console */
// Runs the README's first TypeScript example as written, from an installed package, and checks
// that it prints what its trailing `// ...` comment lines say (`// ...` stands for skipped lines).
// Usage: node readmeExample.mjs README.md <project folder with auformer-stream installed>
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [readme, project] = process.argv.slice(2);
const block = /```ts\n([\s\S]*?)```/.exec(readFileSync(readme, 'utf8'))?.[1];
assert.ok(block, 'README has a ```ts block');
const lines = block.trimEnd().split('\n');
const firstComment = lines.findIndex(
  (l, i) => l.startsWith('// ') && lines.slice(i).every((m) => m.startsWith('// ')),
);
assert.ok(firstComment > 0, 'the example ends with the output it prints, as // comment lines');
const expected = lines.slice(firstComment).map((l) => l.slice(3));
const file = join(project, 'readme-example.mjs');
writeFileSync(file, lines.slice(0, firstComment).join('\n'));
const printed = execFileSync(process.execPath, [file], { cwd: project, encoding: 'utf8' })
  .trimEnd()
  .split('\n');

const gap = expected.indexOf('...');
const head = gap < 0 ? expected : expected.slice(0, gap);
const tail = gap < 0 ? [] : expected.slice(gap + 1);
assert.deepEqual(printed.slice(0, head.length), head, 'first printed lines');
if (gap < 0) assert.equal(printed.length, head.length, 'number of printed lines');
else assert.deepEqual(printed.slice(printed.length - tail.length), tail, 'last printed lines');
console.log(`readme example: ${printed.length} lines as documented`);
