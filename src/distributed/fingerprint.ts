/**
 * Deterministic identities: an input's fingerprint and the job key built from it, so that
 * resubmitting the same work is a no-op and changed work gets a new id.
 *
 * The fingerprint is sha256 over the size and the first and last MiB of the file: it reads
 * 2 MiB whatever the file's size (an archive of thousands of hours is fingerprinted in seconds),
 * survives copies between machines (no mtime, no path), and changes whenever a file is
 * re-recorded, re-encoded, truncated or appended to. An edit inside a large file that keeps its
 * size and both ends would go unseen: resubmit such a file with another `--out`.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const EDGE_BYTES = 1024 * 1024;

/** `size:sha256` of (size, head MiB, tail MiB). Rejects like `fs.open` for a missing file. */
export async function fingerprintFile(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const hash = createHash('sha256').update(String(size));
    const head = Buffer.alloc(Math.min(EDGE_BYTES, size));
    await file.read(head, 0, head.length, 0);
    hash.update(head);
    const tailStart = Math.max(head.length, size - EDGE_BYTES);
    const tail = Buffer.alloc(size - tailStart);
    await file.read(tail, 0, tail.length, tailStart);
    hash.update(tail);
    return `${size}:${hash.digest('hex')}`;
  } finally {
    await file.close();
  }
}

/** JSON with object keys sorted at every level, so equal options give equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `auf-` + 24 hex digits of sha256 over everything that decides the outputs. */
export function jobKeyOf(parts: Readonly<Record<string, unknown>>): string {
  return `auf-${createHash('sha256').update(stableJson(parts)).digest('hex').slice(0, 24)}`;
}
