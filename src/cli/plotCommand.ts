/**
 * `auformer plot results.jsonl --out timeline.png`: per-track AU timelines of a JSONL results
 * file as a PNG (see report/renderTimeline.ts for the layout), offline.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SinkError } from '../errors.js';
import { encodePng } from '../render/encodePng.js';
import { readTimelineJsonl } from '../report/readTimelineJsonl.js';
import { renderTimeline } from '../report/renderTimeline.js';
import type { TimelineData } from '../report/timelineData.js';
import { UsageError, asUsageError } from './pipelineArgs.js';
import type { CommandIO } from './analyzeCommand.js';

export const PLOT_USAGE = `Usage: auformer plot <results.jsonl> --out <timeline.png>

Draws per-track AU timelines (probability line, shaded active episodes, time in seconds) of a
JSONL file written by 'auformer analyze --out results.jsonl'. The picture is 1200 px wide and
2 * 12 + tracks * (56 + 28 * AUs) px tall.

Options:
  --out <file.png>   the picture to write (required)
  -h, --help         show this help`;

export async function runPlot(argv: readonly string[], io: CommandIO): Promise<number> {
  const parsed = asUsageError(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }),
  );
  if (parsed.values.help) {
    io.stdout.write(`${PLOT_USAGE}\n`);
    return 0;
  }
  const [input, ...extra] = parsed.positionals;
  if (input === undefined || extra.length > 0) throw new UsageError('give exactly one .jsonl results file');
  const out = parsed.values.out;
  if (out === undefined || !/\.png$/i.test(out)) throw new UsageError('--out <file.png> is required');
  const data = await readTimelineJsonl(input);
  await writeTimelinePng(out, data);
  io.stderr.write(`plot: ${data.tracks.length} track(s), ${data.auNames.length} AUs -> ${out}\n`);
  return 0;
}

/** Renders and writes the PNG; a write failure is a `SinkError`. */
export async function writeTimelinePng(path: string, data: TimelineData): Promise<void> {
  await writeFile(path, encodePng(renderTimeline(data))).catch((cause: unknown) => {
    throw new SinkError(`Cannot write the plot "${path}": check that its folder exists and is writable.`, {
      cause,
    });
  });
}
