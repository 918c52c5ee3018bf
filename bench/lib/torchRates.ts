/**
 * PyTorch CPU/GPU throughput of the same AUFormer (bench/lib/torchBench.py in a subprocess of
 * Debian's python), for "onnxruntime-node vs PyTorch on the same model, batch and threads".
 *
 * @example
 * const rates = torchRates('vit-b16', [1, 8], { threads: 2 }); // Map { 1 => 4.1, 8 => 4.6 }
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PYTHON, ROOT, type Preset } from './models.js';

const SCRIPT = fileURLToPath(new URL('./torchBench.py', import.meta.url));

export interface TorchOptions {
  /** torch intra-op threads (CPU). */
  readonly threads: number;
  /** `cpu`, `cuda` or `cuda:N`. Defaults to `cpu`. */
  readonly device?: string;
  /** fp16 weights and inputs (CUDA). Defaults to false. */
  readonly half?: boolean;
  /** Shortest measuring time per batch size, in seconds. Defaults to 3. */
  readonly seconds?: number;
}

/** Faces/s by batch size, and the torch version; throws with python's stderr on failure. */
export function torchRates(
  preset: Preset,
  batches: readonly number[],
  options: TorchOptions,
): { readonly version: string; readonly rates: Map<number, number> } {
  const args = [
    SCRIPT,
    '--preset',
    preset,
    '--batches',
    batches.join(','),
    '--threads',
    String(options.threads),
  ];
  args.push(
    '--device',
    options.device ?? 'cpu',
    '--min-seconds',
    String(options.seconds ?? 3),
    '--min-batches',
    '1',
  );
  if (options.half) args.push('--half');
  const out = execFileSync(PYTHON, args, {
    cwd: `${ROOT}model`,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const parsed = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
    torch: string;
    results: { batch: number; faces_per_s: number }[];
  };
  return { version: parsed.torch, rates: new Map(parsed.results.map((r) => [r.batch, r.faces_per_s])) };
}
