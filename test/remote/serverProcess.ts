/** `auformer infer-server` in a child process, for tests that kill it (SIGKILL) and start it again. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** SIGKILL (no graceful shutdown: connections are cut) and wait for the exit. */
  kill(): Promise<void>;
}

/** Starts it on `port` (0 = any free one) and resolves with its URL once it serves. */
export async function startServerProcess(
  port = 0,
  extra: readonly string[] = [],
  timeoutMs = 60_000,
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'infer-server', '--listen', `127.0.0.1:${port}`, ...extra],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    for await (const line of createInterface({ input: child.stderr })) {
      const match = /^serving \S+ \S+ \(batch \d+\) at (http:\/\/127\.0\.0\.1:(\d+))\/v2\/models\//.exec(
        line,
      );
      if (match) {
        const kill = async (): Promise<void> => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = once(child, 'exit');
          child.kill('SIGKILL');
          await exited;
        };
        child.stderr.resume();
        return { url: match[1] as string, port: Number(match[2]), child, kill };
      }
    }
    throw new Error(`infer-server exited before serving (code ${child.exitCode})`);
  } finally {
    clearTimeout(timer);
  }
}
