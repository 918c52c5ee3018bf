/**
 * Reads a JSONL results file written by `toJsonLines` (header, then frame and event lines) into
 * timeline series, streaming line by line, for `auformer plot`.
 *
 * The header gives the AU names and thresholds (model card), so a file plots on its own.
 * Event lines are skipped: activity comes from each frame's `active` flags (or thresholds).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { MediaError } from '../errors.js';
import type { JsonLinesHeader } from '../sinks/jsonLinesHeader.js';
import type { AnalysisRecord } from '../types/result.js';
import { createTimelineCollector, type TimelineCollector, type TimelineData } from './timelineData.js';

/** Resolves with the series; rejects with a `MediaError` for a missing file or a bad line. */
export async function readTimelineJsonl(path: string): Promise<TimelineData> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  await opened.catch((cause: unknown) => {
    throw new MediaError(
      'AUF_ERR_FILE_NOT_FOUND',
      path,
      `Cannot read "${path}": give a JSONL file written by 'auformer analyze --out results.jsonl'.`,
      { cause },
    );
  });
  let collector: TimelineCollector | undefined;
  let lineNo = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    lineNo += 1;
    if (line.trim().length === 0) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (cause) {
      throw badLine(path, lineNo, 'is not JSON', cause);
    }
    const record = parsed as { type?: unknown };
    if (!collector) {
      if (record.type !== 'header') throw badLine(path, lineNo, 'should be the header line');
      const header = parsed as JsonLinesHeader;
      collector = createTimelineCollector(header.model.auNames, header.model.thresholds);
      continue;
    }
    if (record.type === 'frame') collector.add(parsed as AnalysisRecord);
  }
  if (!collector) throw badLine(path, 0, 'is missing (empty file)');
  return collector.data();
}

function badLine(path: string, lineNo: number, what: string, cause?: unknown): MediaError {
  const csv = /\.csv$/i.test(path) ? ' It looks like a CSV results file: plot reads the .jsonl output.' : '';
  return new MediaError(
    'AUF_ERR_NOT_RESULTS_FILE',
    path,
    `"${path}" is not a JSONL results file (line ${lineNo} ${what}).${csv} Give a JSONL file written ` +
      "by toJsonLines ('auformer analyze --out results.jsonl'), whose first line is the header.",
    cause === undefined ? undefined : { cause },
  );
}
