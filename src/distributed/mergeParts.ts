/**
 * The merge job: joins an input's part files into its final outputs under `<out>/<stem>/`,
 * through the SDK's own sinks (so the files are those `auformer analyze` writes), each under a
 * temporary name renamed when complete, then `_SUCCESS.json` last, then removes the parts.
 * Running it again after success is a no-op that returns the same manifest.
 */
import { stat, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { from, lastValueFrom, type MonoTypeOperatorFunction, tap } from 'rxjs';
import { DistributedError } from '../errors.js';
import {
  type AnalysisRecord,
  describeSmoothing,
  type ModelCard,
  openFile,
  toCsv,
  toEventsCsv,
  toJsonLines,
} from '../index.js';
import type { ArchiveFormat, MergeJobData, SuccessManifest } from './archiveTypes.js';
import { jobModelCard } from './jobModel.js';
import { joinedEvents, mergedRecords } from './mergedRecords.js';
import { hashFile, MANIFEST_NAME, partFile, readManifest } from './partFiles.js';

export function outputName(stem: string, format: ArchiveFormat): string {
  return format === 'csv' ? `${stem}.csv` : format === 'jsonl' ? `${stem}.jsonl` : `${stem}.events.csv`;
}

export async function mergeParts(data: MergeJobData): Promise<SuccessManifest> {
  const existing = await readManifest(data.outDir);
  if (existing?.jobKey === data.jobKey) return existing;
  if (existing && existing.input !== data.input) {
    throw new DistributedError(
      'AUF_ERR_OUTPUT_CONFLICT',
      `${data.outDir} holds the results of ${existing.input}, not ${data.input}. Rename one input or use another --out.`,
    );
  }
  const files = Array.from({ length: data.parts }, (_, i) => partFile(data.outDir, i));
  for (const file of files) {
    if (
      !(await stat(file).then(
        () => true,
        () => false,
      ))
    ) {
      throw new DistributedError('AUF_ERR_PARTS_INCOMPLETE', `Part file ${file} is missing. Retry the job.`);
    }
  }
  const card = await jobModelCard(data.model);
  const { info } = await openFile(data.input, data.options.source ?? {});
  const input = { files, preRollMs: data.preRollMs, tracking: data.options.track !== false };
  const events = await joinedEvents(input);
  let frames = 0;
  let faceRows = 0;
  const counted = from(mergedRecords(input, events)).pipe(
    tap((record) => {
      if (record.type !== 'frame') return;
      frames += 1;
      faceRows += Math.max(1, record.faces.length); // the CSV's rows: a frame without faces has one
    }),
  );
  const written = sinks(data, card, info).reduce((records, [, sink]) => records.pipe(sink), counted);
  await lastValueFrom(written, { defaultValue: undefined });
  const outputs: Record<string, { bytes: number; sha256: string }> = {};
  for (const format of data.formats) {
    const name = outputName(data.stem, format);
    await rename(join(data.outDir, `${name}.tmp`), join(data.outDir, name));
    const path = join(data.outDir, name);
    outputs[name] = { bytes: (await stat(path)).size, sha256: await hashFile(path) };
  }
  const manifest: SuccessManifest = {
    jobKey: data.jobKey,
    input: data.input,
    fingerprint: data.fingerprint,
    parts: data.parts,
    frames,
    faceRows,
    events: events.length,
    files: outputs,
    model: card,
    options: data.options,
    preRollMs: data.preRollMs,
    completedAt: new Date().toISOString(),
  };
  const tmp = join(data.outDir, `${MANIFEST_NAME}.tmp`);
  await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(tmp, join(data.outDir, MANIFEST_NAME));
  await rm(join(data.outDir, '.parts'), { recursive: true, force: true });
  return manifest;
}

type Sink = MonoTypeOperatorFunction<AnalysisRecord>;

/** The sinks `auformer analyze` would use, writing `<name>.tmp` files. */
function sinks(
  data: MergeJobData,
  card: ModelCard,
  info: Awaited<ReturnType<typeof openFile>>['info'],
): [ArchiveFormat, Sink][] {
  const { smooth, track, events } = data.options;
  const smoothing =
    smooth === undefined || smooth === false ? { method: 'none' } : describeSmoothing({ ...smooth, card });
  const settings = { tracking: track !== false, smoothing, events: events !== false && events !== undefined };
  const tmp = (format: ArchiveFormat): string => join(data.outDir, `${outputName(data.stem, format)}.tmp`);
  return data.formats.map((format): [ArchiveFormat, Sink] => [
    format,
    format === 'csv'
      ? toCsv(tmp(format), {
          auNames: card.auNames,
          thresholds: card.thresholds,
          smoothed: settings.smoothing.method !== 'none',
        })
      : format === 'jsonl'
        ? toJsonLines(tmp(format), {
            header: { model: card, sources: [info], options: settings, createdAt: data.submittedAt },
            meshPoints: data.meshPoints,
          })
        : toEventsCsv(tmp(format)),
  ]);
}
