/** `auformer` as users run it: a child process from the checkout (tsx), with its output. */
import { type ChildProcess, spawn } from 'node:child_process';
import { REPO_ROOT } from './media.js';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `auformer ...args`; `env` is merged over this process's environment. */
export function startCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Runs `auformer ...args` to the end. */
export const cli = (args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CliRun> =>
  startCli(args, env).done;

/** Rows of a CSV without quoted cells, keyed by column name (`separator` `, ` for OpenFace). */
export function parseCsv(text: string, separator = ','): Record<string, string>[] {
  const [head, ...rows] = text.trim().split('\n');
  const names = head!.split(separator);
  return rows.map((row) => Object.fromEntries(row.split(separator).map((v, i) => [names[i], v])));
}
