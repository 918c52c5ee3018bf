/**
 * The one place that loads BullMQ and ioredis. They are optional peer dependencies: the core
 * install never needs them, so they are imported lazily and a missing one becomes a typed
 * `AUF_ERR_DEPENDENCY_MISSING` that says what to install.
 */
import { DistributedError } from '../errors.js';

export type BullMq = typeof import('bullmq');
export type IoRedis = typeof import('ioredis');

let engines: Promise<{ bullmq: BullMq; ioredis: IoRedis }> | undefined;

/** Imports both engines once; rejects with `DistributedError` when either is not installed. */
export function loadEngines(): Promise<{ bullmq: BullMq; ioredis: IoRedis }> {
  engines ??= Promise.all([importOptional<BullMq>('bullmq'), importOptional<IoRedis>('ioredis')]).then(
    ([bullmq, ioredis]) => ({ bullmq, ioredis }),
  );
  return engines;
}

/** Imports an optional package, or rejects with `AUF_ERR_DEPENDENCY_MISSING` naming what to install. */
export async function importOptional<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (cause) {
    engines = undefined; // a later call may succeed once the package is installed
    throw new DistributedError(
      'AUF_ERR_DEPENDENCY_MISSING',
      `The distributed layer needs the optional package '${name}', which is not installed. ` +
        'Run `npm install bullmq ioredis` next to auformer-stream.',
      { cause },
    );
  }
}
