/**
 * The CLI end to end: `auformer analyze --infer URL` runs the model on an `auformer
 * infer-server` child process (one CSV row per frame, crops seen by the server), `--infer` with
 * `--model` is a usage error, and the server exits 0 on SIGTERM after a graceful close.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { makeTempDir, SAMPLE_FACES } from '../helpers/media.js';
import { startServerProcess } from './serverProcess.js';

const exec = promisify(execFile);
const cli = (args: readonly string[]) =>
  exec(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { timeout: 120_000 });

describe('auformer analyze --infer / infer-server', () => {
  it('analyzes through the server, then the server stops on SIGTERM with exit 0', async () => {
    const temp = await makeTempDir();
    const server = await startServerProcess(0, ['--batch', '8']);
    try {
      const out = join(temp.dir, 'remote.csv');
      const { stderr } = await cli([
        'analyze',
        SAMPLE_FACES,
        '--fps',
        '5',
        '--quiet',
        '--infer',
        server.url,
        '--out',
        out,
      ]);
      assert.match(stderr, /model auformer-tiny/);
      const rows = (await readFile(out, 'utf8')).trim().split('\n');
      assert.equal(rows.length, 1 + 30, 'header + one row per frame (6 s at 5 fps)');
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /auformer_infer_crops_total 30\b/, 'the server scored every face');
      const exited = once(server.child, 'exit');
      server.child.kill('SIGTERM');
      assert.deepEqual(await exited, [0, null]);
    } finally {
      await server.kill();
      await temp.cleanup();
    }
  });

  it('serve --infer: a live file scored on the server, written to JSONL, exit 0 at its end', async () => {
    const temp = await makeTempDir();
    const server = await startServerProcess();
    try {
      const out = join(temp.dir, 'live.jsonl');
      const args = [
        'serve',
        SAMPLE_FACES,
        '--ws',
        '127.0.0.1:0',
        '--max-width',
        '480',
        '--status-every',
        '0',
      ];
      const { stderr } = await cli([...args, '--infer', server.url, '--out', out]);
      assert.match(stderr, /listening on ws:/);
      const frames = (await readFile(out, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; faces?: { aus: Record<string, number> }[] })
        .filter((r) => r.type === 'frame');
      const scored = frames.filter((f) => (f.faces ?? []).length > 0);
      assert.ok(scored.length >= 10, `${scored.length} live frames with a face`);
      assert.equal(Object.keys(scored[0]!.faces![0]!.aus).length, 12);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const crops = Number(/auformer_infer_crops_total (\d+)/.exec(metrics)?.[1]);
      assert.ok(crops >= scored.length, `the server scored ${crops} crops`);
    } finally {
      await server.kill();
      await temp.cleanup();
    }
  });

  it('refuses --infer together with --model, and URLs that are not http(s)', async () => {
    for (const args of [
      ['--infer', 'http://127.0.0.1:1', '--model', 'm.onnx'],
      ['--infer', 'gpu-1:8000'],
      ['--infer-token', 't'],
      ['--infer-timeout', '5'],
    ]) {
      const result = await cli(['analyze', SAMPLE_FACES, ...args]).then(
        () => assert.fail(`${args.join(' ')} should fail`),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /--infer/);
    }
  });
});
