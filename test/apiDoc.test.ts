/**
 * docs/api.md names every public export of src/index.ts (value and type exports) as `name`, so
 * the reference page cannot silently fall behind the API.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { it } from 'node:test';

/** Exported names of a module's source: `export { a, b as c }`, `export type {...}`, declarations. */
export function exportedNames(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const names = new Set<string>();
  for (const [, list] of code.matchAll(/\bexport\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const entry of (list ?? '').split(',')) {
      const words = entry.trim().split(/\s+/).filter(Boolean);
      if (words[0] === 'type') words.shift();
      const name = words.length === 3 && words[1] === 'as' ? words[2] : words[0];
      if (name !== undefined) names.add(name);
    }
  }
  const declaration =
    /\bexport\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g;
  for (const [, name] of code.matchAll(declaration)) if (name !== undefined) names.add(name);
  return [...names].sort();
}

it('exportedNames reads braces, aliases, inline type modifiers and declarations', () => {
  const source = [
    "export { a, b as c } from './x.js';",
    "export type { D, E } from './y.js';",
    "export { type F, g } from './z.js';",
    '// export { commented } from "./no.js";',
    'export const h = 1;',
    'export interface I {}',
  ].join('\n');
  assert.deepEqual(exportedNames(source), ['D', 'E', 'F', 'I', 'a', 'c', 'g', 'h']);
});

it('docs/api.md names every export of src/index.ts in backticks', async () => {
  const index = await readFile('src/index.ts', 'utf8');
  assert.doesNotMatch(index, /\bexport\s+\*/, 'src/index.ts must export by name (no export *)');
  assert.doesNotMatch(index, /\bexport\s+default\b/, 'src/index.ts must not have a default export');
  const names = exportedNames(index);
  assert.ok(names.length >= 100, `found only ${names.length} exports in src/index.ts`);
  for (const known of ['analyze', 'AUModel', 'StreamHub', 'FrameResult', 'ErrorCode', 'CLOSE_CODES']) {
    assert.ok(names.includes(known), `the parser missed '${known}'`);
  }
  const doc = await readFile('docs/api.md', 'utf8');
  const missing = names.filter((name) => !doc.includes(`\`${name}\``));
  assert.deepEqual(
    missing,
    [],
    `docs/api.md does not mention these exports as \`name\`: ${missing.join(', ')}`,
  );
});
