/**
 * `auformer crops`: training crops by the SDK's own detector and alignment (see cropsArgs.ts).
 * With `--jobs n` the frame list is cut into n contiguous parts, each cropped by a child process
 * (`--part k`) into the same `.partial` folder; the parent merges their records in list order.
 */
import { fork } from 'node:child_process';
import { access, appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AufError, type ErrorCode } from '../errors.js';
import { DEFAULT_MODEL_PATH } from '../model/defaultModel.js';
import { readModelCard } from '../model/modelCard.js';
import type { ModelCard } from '../types/model.js';
import type { CommandIO } from './analyzeCommand.js';
import { type CropCounts, cropFrames } from './cropFrames.js';
import { type CropEntry, cropEntries } from './cropsEntries.js';
import { CROPS_USAGE, type CropsArgs, parseCropsArgs } from './cropsArgs.js';
import { UsageError } from './pipelineArgs.js';
import { canvasCard, defaultCanvas } from './trainingCrop.js';

export async function runCrops(argv: readonly string[], io: CommandIO): Promise<number> {
  const args = parseCropsArgs(argv);
  if (args.help) {
    io.stdout.write(`${CROPS_USAGE}\n`);
    return 0;
  }
  const modelPath = args.modelPath ?? DEFAULT_MODEL_PATH;
  const card = await readModelCard(modelPath);
  const size = args.canvas ?? defaultCanvas(card);
  const [dw, dh] = [size.width - card.inputWidth, size.height - card.inputHeight];
  if (dw < 0 || dh < 0 || dw % 2 !== 0 || dh % 2 !== 0)
    throw new UsageError(
      `--canvas ${size.width}x${size.height} must exceed the model input ${card.inputWidth}x${card.inputHeight} ` +
        'by an even number of pixels (a whole-pixel margin on each side)',
    );
  // The crops align from the points the command line names, whatever the card in --model says.
  const canvas = { ...canvasCard(card, size.width, size.height), keypointSource: args.keypointSource };
  const entries = await cropEntries(args.inputs, args.list);
  const detector = { model: args.detector };
  if (args.part !== undefined)
    return reportToParent(await cropFrames(entries, args.out, canvas, detector, `.part-${args.part}`));

  if (!args.overwrite && (await exists(args.out)))
    throw new UsageError(`'${args.out}' already exists; pass --overwrite to replace it`);
  const partial = `${args.out}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    const counts =
      args.jobs === 1 || entries.length < 2
        ? await cropFrames(entries, partial, canvas, detector)
        : await inChildren(args, entries, partial);
    await writeManifest(partial, { args, modelPath, card, size, counts });
    await rm(args.out, { recursive: true, force: true });
    await rename(partial, args.out);
    io.stderr.write(
      `crops: ${counts.frames} frames, ${counts.crops} crops ${size.width}x${size.height}, ` +
        `${counts.noFace} without a face (no_face.txt) -> ${args.out}\n`,
    );
  } catch (error) {
    await rm(partial, { recursive: true, force: true }); // nothing half-written is left behind
    throw error;
  }
  return 0;
}

interface ManifestInput {
  readonly args: CropsArgs;
  readonly modelPath: string;
  readonly card: ModelCard;
  readonly size: { readonly width: number; readonly height: number };
  readonly counts: CropCounts;
}

/** crops.json, written last: what the crops are, for the toolkit's checkpoint and model card. */
async function writeManifest(
  dir: string,
  { args, modelPath, card, size, counts }: ManifestInput,
): Promise<void> {
  const manifest = {
    format: 1,
    created_by: 'auformer crops',
    keypoint_source: args.keypointSource,
    face: 'largest',
    detector: args.detector,
    model: { path: modelPath, name: card.name, version: card.version },
    input_size: [card.inputHeight, card.inputWidth],
    canvas_size: [size.height, size.width],
    alignment_template: card.alignmentTemplate.map((p) => [p.x, p.y]),
    frames: counts.frames,
    crops: counts.crops,
    no_face: counts.noFace,
  };
  await writeFile(join(dir, 'crops.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

async function inChildren(args: CropsArgs, entries: readonly CropEntry[], dir: string): Promise<CropCounts> {
  const jobs = Math.min(args.jobs, entries.length);
  const per = Math.ceil(entries.length / jobs);
  const forwarded = ['--detector', args.detector, '--keypoint-source', args.keypointSource];
  if (args.canvas) forwarded.push('--canvas', `${args.canvas.width}x${args.canvas.height}`);
  if (args.modelPath !== undefined) forwarded.push('--model', args.modelPath);
  const abort = new AbortController(); // the first failure stops the other workers
  let firstError: unknown;
  const settled = await Promise.allSettled(
    Array.from({ length: jobs }, async (_, k) => {
      const list = join(dir, `.list.part-${k}.tsv`);
      const part = entries.slice(k * per, (k + 1) * per);
      await writeFile(list, part.map((e) => `${e.frame}\t${e.name}\n`).join(''));
      const argv = ['crops', '--list', list, '--out', dir, '--part', String(k), ...forwarded];
      return runChild(argv, abort.signal)
        .catch((error: unknown) => {
          if (!abort.signal.aborted) firstError = error;
          abort.abort();
          throw error;
        })
        .finally(() => rm(list, { force: true }));
    }),
  );
  if (abort.signal.aborted) throw firstError;
  const results = settled.map((r) => (r as PromiseFulfilledResult<CropCounts>).value);
  for (const name of ['keypoints.jsonl', 'no_face.txt']) {
    const [stem, ext] = name.split('.') as [string, string];
    await writeFile(join(dir, name), '');
    for (let k = 0; k < jobs; k++) {
      const part = join(dir, `${stem}.part-${k}.${ext}`);
      await appendFile(join(dir, name), await readFile(part));
      await rm(part);
    }
  }
  const sum = (key: keyof CropCounts): number => results.reduce((a, r) => a + r[key], 0);
  return { frames: sum('frames'), crops: sum('crops'), noFace: sum('noFace') };
}

/** `auformer <argv>` in a child process (same node flags, e.g. tsx's loader); resolves its counts. */
function runChild(argv: string[], signal: AbortSignal): Promise<CropCounts> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1] as string, argv, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      signal,
    });
    let reply: { counts?: CropCounts; error?: { code: ErrorCode; message: string } } = {};
    child.on('message', (m: typeof reply) => (reply = m));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (reply.counts && code === 0) resolve(reply.counts);
      else if (reply.error) reject(new AufError(reply.error.code, reply.error.message));
      else reject(new Error(`auformer crops worker ${argv.join(' ')} exited with code ${String(code)}`));
    });
  });
}

function reportToParent(counts: CropCounts): number {
  process.send?.({ counts });
  return 0;
}

/** Worker processes report a typed error to the parent instead of only printing it. */
export function reportWorkerError(error: unknown): void {
  if (process.send && error instanceof Error && 'code' in error)
    process.send({ error: { code: (error as AufError).code, message: error.message } });
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
