/** Starts fixture client processes (fixtures/remoteClient.ts), lets them go at once, collects their summaries. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CLIENT = fileURLToPath(new URL('./fixtures/remoteClient.ts', import.meta.url));

export interface ClientSummary {
  readonly clientId: string;
  readonly ok: number;
  readonly failed: readonly string[];
  readonly ms: number;
  readonly rss: number;
}

/** Each client sends `crops` crops in requests of `maxBatch`; rejects if one exits badly or after `timeoutMs`. */
export async function startClients(
  url: string,
  ids: readonly string[],
  crops: number,
  maxBatch = 4,
  timeoutMs = 120_000,
): Promise<ClientSummary[]> {
  const children = ids.map((id) =>
    spawn(process.execPath, ['--import', 'tsx', CLIENT, url, id, String(crops), String(maxBatch)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const timer = setTimeout(() => children.forEach((c) => c.kill('SIGKILL')), timeoutMs);
  try {
    const lines = children.map((c) => createInterface({ input: c.stdout })[Symbol.asyncIterator]());
    const next = async (i: number): Promise<string> => {
      const line = await lines[i]!.next();
      if (line.done) throw new Error(`client ${ids[i]} exited early (code ${children[i]!.exitCode})`);
      return line.value as string;
    };
    for (let i = 0; i < ids.length; i++)
      if ((await next(i)) !== 'ready') throw new Error(`client ${ids[i]} did not get ready`);
    for (const c of children) c.stdin.write('go\n');
    return await Promise.all(ids.map(async (_, i) => JSON.parse(await next(i)) as ClientSummary));
  } finally {
    clearTimeout(timer);
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  }
}
