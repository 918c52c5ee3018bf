/**
 * Runs one part job: `analyze` over the part's range (plus a pre-roll), written line by line to
 * a temporary part file, checkpointed, and renamed when complete.
 *
 * ```
 * decode      |-- pre-roll --|------------ part ------------|
 * part file   s  p  p  p  p   f  f  f  f (checkpoint) f  f  e  f     then rename .tmp -> .jsonl
 * after a crash, a retry copies the checkpointed bytes, then  s  p  p  f  f ...
 * ```
 *
 * Every attempt writes its own temporary file, so an attempt that lost its lock but still runs
 * (Redis restarted under it) cannot interleave with the one that replaced it; both would rename
 * identical content.
 */
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fdatasyncSync,
  openSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { lastValueFrom, tap } from 'rxjs';
import { analyze, type AnalysisRecord, type BlinkEvent } from '../index.js';
import type { PartCheckpoint, PartJobData, PartLine, PartResult } from './archiveTypes.js';
import { openJobModel } from './jobModel.js';
import { hashFile, partFile, readManifest } from './partFiles.js';

/** The part of a BullMQ job (sandboxed or not) that `runPart` uses. */
export interface PartJob {
  readonly data: PartJobData;
  readonly progress: unknown;
  updateProgress(value: PartCheckpoint): Promise<unknown>;
  /** Appends to the job's log (BullMQ `job.log`), e.g. where a retry resumed. */
  log(row: string): unknown;
}

export interface RunPartOptions {
  /** Wall time between checkpoints, in ms. Defaults to 1000. */
  readonly checkpointEveryMs?: number;
}

export async function runPart(job: PartJob, options: RunPartOptions = {}): Promise<PartResult> {
  const { data } = job;
  const checkpointEveryMs = options.checkpointEveryMs ?? 1000;
  const file = partFile(data.outDir, data.part);
  const done = await readManifest(data.outDir);
  if (done?.jobKey === data.jobKey) return { file, part: data.part, frames: 0, sha256: '' };
  if (existsSync(file)) return { file, part: data.part, frames: -1, sha256: await hashFile(file) };
  await mkdir(dirname(file), { recursive: true });

  const tmp = `${file}.${randomUUID().slice(0, 8)}.tmp`;
  const resume = usableCheckpoint(job.progress);
  if (resume) {
    copyFileSync(resume.tmp, tmp);
    truncateSync(tmp, resume.bytes);
  }
  if (resume)
    await Promise.resolve(
      job.log(`resumed after ${resume.doneMs} ms from a checkpoint of ${resume.rows} rows`),
    );
  const fd = openSync(tmp, resume ? 'a' : 'w');
  let bytes = resume?.bytes ?? 0;
  let rows = resume?.rows ?? 0;
  let doneMs = resume?.doneMs ?? -Infinity;
  const isRegular = (ptsMs: number): boolean => (resume ? ptsMs > resume.doneMs : ptsMs >= data.startMs);
  const write = (line: PartLine): void => {
    const text = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
    for (let offset = 0; offset < text.length;) offset += writeSync(fd, text, offset);
    bytes += text.length;
  };
  const segmentStart = resume ? resume.doneMs : data.startMs;
  write({ t: 's', startMs: segmentStart });

  let pending: Promise<unknown> | undefined;
  let lastCheckpoint = Date.now();
  const checkpoint = (): void => {
    if (pending || Date.now() - lastCheckpoint < checkpointEveryMs) return;
    fdatasyncSync(fd); // the bytes a checkpoint names must survive a crash of the host
    lastCheckpoint = Date.now();
    pending = job
      .updateProgress({ doneMs, rows, bytes, tmp })
      .catch((e: unknown) => process.emitWarning(`checkpoint of ${data.jobKey} failed: ${String(e)}`))
      .finally(() => (pending = undefined));
  };
  // A blink comes just before the frame that reopened the eyes, and belongs to the part that
  // outputs that frame: one reopened in the pre-roll was written by the part before.
  let blinks: BlinkEvent[] = [];
  const onRecord = (record: AnalysisRecord): void => {
    if (record.type === 'blink') return void blinks.push(record);
    if (record.type === 'event') {
      if (record.endMs >= segmentStart) write({ t: 'e', r: record });
      return;
    }
    const regular = isRegular(record.ptsMs);
    if (regular) for (const blink of blinks) write({ t: 'b', r: blink });
    blinks = [];
    if (!regular) return write({ t: 'p', r: record });
    write({ t: 'f', r: record });
    rows += 1;
    doneMs = record.ptsMs;
    checkpoint();
  };

  try {
    const model = await openJobModel(data.model, data.options.modelOptions);
    const decodeFromMs = Math.max(0, segmentStart - data.preRollMs);
    const source = {
      ...data.options.source,
      ...(decodeFromMs > 0 ? { startMs: decodeFromMs } : {}),
      ...(data.endMs === undefined ? {} : { endMs: data.endMs }),
    };
    await lastValueFrom(analyze(data.input, { ...data.options, model, source }).pipe(tap(onRecord)), {
      defaultValue: undefined,
    });
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
    await pending;
  }
  await rename(tmp, file);
  if (resume) await rm(resume.tmp, { force: true });
  return { file, part: data.part, frames: rows, sha256: await hashFile(file) };
}

function usableCheckpoint(progress: unknown): PartCheckpoint | undefined {
  if (typeof progress !== 'object' || progress === null) return undefined;
  const cp = progress as Partial<PartCheckpoint>;
  if (typeof cp.tmp !== 'string' || typeof cp.bytes !== 'number' || typeof cp.doneMs !== 'number')
    return undefined;
  if (typeof cp.rows !== 'number' || !existsSync(cp.tmp) || statSync(cp.tmp).size < cp.bytes)
    return undefined;
  return cp as PartCheckpoint;
}
