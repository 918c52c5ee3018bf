/** `auformer analyze`: a thin shell over `analyze()` and the file sinks. */
import { stat } from 'node:fs/promises';
import { type MonoTypeOperatorFunction, tap } from 'rxjs';
import { analyze } from '../analyze.js';
import type { AUInferenceModel } from '../model/auInferenceModel.js';
import { openAUModel } from '../remote/openAUModel.js';
import { DEFAULT_MODEL_PATH } from '../model/defaultModel.js';
import { describeSmoothing } from '../operators/smoothAUs.js';
import type { FileSourceOptions } from '../sources/fromFile.js';
import { openFile } from '../sources/openFile.js';
import { isImagePath } from '../sources/openInput.js';
import { createTimelineCollector } from '../report/timelineData.js';
import { fromFile } from '../sources/fromFile.js';
import { toAnnotatedVideo } from '../sinks/toAnnotatedVideo.js';
import { toCsv } from '../sinks/toCsv.js';
import { toEventsCsv } from '../sinks/toEventsCsv.js';
import { toJsonLines } from '../sinks/toJsonLines.js';
import { toTrackSummaryCsv } from '../sinks/toTrackSummaryCsv.js';
import type { SourceInfo } from '../types/frame.js';
import type { ModelCard } from '../types/model.js';
import type { AnalysisRecord } from '../types/result.js';
import { ANALYZE_USAGE, type AnalyzeArgs, parseAnalyzeArgs, UsageError } from './analyzeArgs.js';
import { writeTimelinePng } from './plotCommand.js';
import { createProgress } from './progress.js';
import { Summary } from './summary.js';

export interface CommandIO {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

export async function runAnalyze(argv: readonly string[], io: CommandIO): Promise<number> {
  const args = parseAnalyzeArgs(argv);
  if (args.help) {
    io.stdout.write(`${ANALYZE_USAGE}\n`);
    return 0;
  }
  const model = await openAUModel(
    args.inferUrls ?? args.modelPath ?? DEFAULT_MODEL_PATH,
    args.options.modelOptions,
  );
  try {
    if (model.card.untrained) io.stderr.write(untrainedNotice(model.card));
    const sources = await Promise.all(
      args.inputs.map((input) => describeInput(input, args.options.source ?? {})),
    );
    if (args.annotateOut !== undefined && sources[0]?.kind !== 'file')
      throw new UsageError('--annotate needs a video input (not images or a folder)');
    io.stderr.write(
      `model ${model.card.name} ${model.card.version} (${model.card.auNames.length} AUs), ` +
        `decoder ${sources.find((s) => s.decoder)?.decoder ?? 'ffmpeg'}\n`,
    );
    return await run(args, model, sources, io);
  } finally {
    await model.dispose();
  }
}

async function run(
  args: AnalyzeArgs,
  model: AUInferenceModel,
  sources: SourceInfo[],
  io: CommandIO,
): Promise<number> {
  const durations = new Map(sources.map((s) => [s.sourceId, s.durationMs ?? 0]));
  const totalMs = [...durations.values()].reduce((a, b) => a + b, 0);
  const progress = args.quiet ? undefined : createProgress({ durationMs: totalMs, stream: io.stderr });
  const summary = new Summary(durations);
  const timeline = args.plotOut
    ? createTimelineCollector(model.card.auNames, model.card.thresholds)
    : undefined;
  const written = sinks(args, model.card, sources).reduce(
    (records, sink) => records.pipe(sink),
    analyze(args.inputs, { ...args.options, model }),
  );
  const records = written.pipe(
    tap((r) => {
      summary.add(r);
      timeline?.add(r);
      progress?.update(summary.frames, summary.faces, summary.positionMs(r));
    }),
  );
  const outcome = await new Promise<'done' | 'interrupted' | Error>((resolve) => {
    const subscription = records.subscribe({
      error: (e: Error) => resolve(e),
      complete: () => resolve('done'),
    });
    // Unsubscribing flushes and closes the sinks, kills ffmpeg and stops the model's work.
    const onSignal = (): void => {
      subscription.unsubscribe();
      resolve('interrupted');
    };
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    subscription.add(() => process.off('SIGINT', onSignal).off('SIGTERM', onSignal));
  });
  progress?.done();
  // The plot shows what was computed, also after an interruption or a failure.
  if (timeline && args.plotOut) await writeTimelinePng(args.plotOut, timeline.data());
  io.stderr.write(
    summary.render(outcome === 'done' ? 'done' : outcome === 'interrupted' ? 'interrupted' : 'failed'),
  );
  const extra = [args.eventsOut, args.summaryOut, args.annotateOut, args.plotOut];
  const files = [...args.outputs, ...extra].filter((p) => p !== undefined).join(', ');
  // After a failure the files hold what was computed before it: say so, not "results".
  io.stderr.write(
    outcome instanceof Error ? `partial results, up to the error: ${files}\n` : `results: ${files}\n`,
  );
  if (outcome instanceof Error) throw outcome;
  return outcome === 'interrupted' ? 130 : 0;
}

function sinks(
  args: AnalyzeArgs,
  card: ModelCard,
  sources: SourceInfo[],
): MonoTypeOperatorFunction<AnalysisRecord>[] {
  const { smooth, track, events } = args.options;
  const settings = {
    tracking: track !== false,
    smoothing:
      smooth === undefined || smooth === false ? { method: 'none' } : describeSmoothing({ ...smooth, card }),
    events: events !== false && events !== undefined,
    landmarks: args.options.landmarks !== false,
  };
  const out = args.outputs.map((path) =>
    path.toLowerCase().endsWith('.csv')
      ? toCsv(path, {
          auNames: card.auNames,
          thresholds: card.thresholds,
          smoothed: settings.smoothing.method !== 'none',
          style: args.csvStyle,
          landmarks: settings.landmarks,
        })
      : toJsonLines(path, {
          header: { model: card, sources, options: settings },
          summary: true,
          meshPoints: args.meshPoints,
        }),
  );
  if (args.eventsOut) out.push(toEventsCsv(args.eventsOut));
  if (args.summaryOut) out.push(toTrackSummaryCsv(args.summaryOut, card));
  const [video] = args.inputs;
  if (args.annotateOut && video !== undefined) {
    // A second decode with the same options yields the same frames, paired by index.
    const frames = fromFile(video, args.options.source);
    out.push(
      toAnnotatedVideo(args.annotateOut, { frames, auNames: card.auNames, thresholds: card.thresholds }),
    );
  }
  return out;
}

/** The JSONL header's view of an input; for videos, `openFile`'s (size after `--max-width`). */
async function describeInput(input: string, source: FileSourceOptions): Promise<SourceInfo> {
  if (isImagePath(input) || !(await isVideo(input))) return { sourceId: input, kind: 'images' };
  return (await openFile(input, source)).info;
}

function isVideo(input: string): Promise<boolean> {
  return stat(input).then(
    (s) => !s.isDirectory(),
    () => true, // missing: openFile reports it with a typed error
  );
}

function untrainedNotice(card: ModelCard): string {
  const bar = '!'.repeat(78);
  return (
    `${bar}\n!! NOTICE: model '${card.name}' is UNTRAINED, for tests and demos only.\n` +
    `!! Its AU values are meaningless. Pass --model <your trained AUFormer .onnx> (see model/README.md).\n${bar}\n`
  );
}
