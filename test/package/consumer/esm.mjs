// ESM user: named imports, the package's own sample and model, a real run.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { lastValueFrom, toArray } from 'rxjs';
import { analyze, DEFAULT_MODEL_PATH, SAMPLE_VIDEO, readModelCard } from 'auformer-stream';

assert.ok(existsSync(SAMPLE_VIDEO) && existsSync(DEFAULT_MODEL_PATH), 'bundled sample and model exist');
const card = await readModelCard(DEFAULT_MODEL_PATH);
assert.equal(card.untrained, true);
const records = await lastValueFrom(analyze(SAMPLE_VIDEO, { source: { fps: 2 } }).pipe(toArray()));
const frames = records.filter((r) => r.type === 'frame');
assert.equal(frames.length, 12, '6 s at 2 fps');
assert.ok(frames.every((f) => f.faces.length === 1 && typeof f.faces[0].aus[card.auNames[0]] === 'number'));
console.log(`esm: ${frames.length} frames, ${card.auNames.length} AUs`);
