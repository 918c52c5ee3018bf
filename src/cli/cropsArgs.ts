/** Parses `auformer crops` arguments; usage errors are `UsageError`s. */
import { parseArgs } from 'node:util';
import type { KeypointSource } from '../types/model.js';
import { UsageError, asUsageError } from './pipelineArgs.js';

export const CROPS_USAGE = `Usage: auformer crops <folder|image...> --out <dir> [options]
       auformer crops --list <frames.tsv> --out <dir> [options]

Training crops aligned exactly as inference aligns faces: detects faces with BlazeFace, takes
the largest face per frame, warps it onto the model card's template placed in a larger canvas
(256x256 for a 224 input) and writes a lossless PNG per frame, keypoints.jsonl (box, score, six
keypoints and transform of every frame) and no_face.txt (frames without a face). The folder is
built as <dir>.partial and renamed when complete; crops.json, the manifest, names the template
and keypoint source (see docs/training-crops.md).

Options:
  --out <dir>          the crops folder to create (required)
  --list <file>        one frame per line: 'frame path[<TAB>crop name]'; relative paths are relative
                       to the list's folder; the crop name defaults to the frame's name with .png
  --model <file.onnx>  take the template and input size from this card (default: the embedded
                       model, whose template is the toolkit's default)
  --canvas <px|WxH>    canvas size, input + an even margin (default: 16/224 of the input each side, 256 for 224)
  --detector <name>    BlazeFace 'front' (close faces, default) or 'back' (smaller faces)
  --keypoint-source <s>  'blazeface' (default) or 'mesh': align from the face mesh's eye centres,
                       nose tip and mouth centre, as a keypoint_source 'mesh' model does at inference
  --jobs <n>           worker processes (default 1)
  --overwrite          replace <dir> if it exists
  -h, --help           show this help`;

export interface CropsArgs {
  readonly inputs: readonly string[];
  readonly list: string | undefined;
  readonly out: string;
  readonly modelPath: string | undefined;
  readonly canvas: { readonly width: number; readonly height: number } | undefined;
  readonly detector: 'front' | 'back';
  /** Which points align the crops (written to crops.json as `keypoint_source`). */
  readonly keypointSource: KeypointSource;
  readonly jobs: number;
  readonly overwrite: boolean;
  readonly help: boolean;
  /** Internal: this process is worker `part` of a parent `auformer crops --jobs n`. */
  readonly part: number | undefined;
}

export function parseCropsArgs(argv: readonly string[]): CropsArgs {
  const { values: v, positionals } = asUsageError(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        list: { type: 'string' },
        model: { type: 'string' },
        canvas: { type: 'string' },
        detector: { type: 'string' },
        'keypoint-source': { type: 'string' },
        jobs: { type: 'string' },
        overwrite: { type: 'boolean' },
        part: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  const help = v.help === true;
  if (!help && (positionals.length === 0) === (v.list === undefined))
    throw new UsageError('give a folder or images, or --list <file> (not both)');
  if (!help && v.out === undefined) throw new UsageError('--out <dir> is required');
  if (v.detector !== undefined && v.detector !== 'front' && v.detector !== 'back')
    throw new UsageError(`--detector must be 'front' or 'back', got '${v.detector}'`);
  const keypointSource = v['keypoint-source'] ?? 'blazeface';
  if (keypointSource !== 'blazeface' && keypointSource !== 'mesh')
    throw new UsageError(`--keypoint-source must be 'blazeface' or 'mesh', got '${keypointSource}'`);
  return {
    inputs: positionals,
    list: v.list,
    out: v.out ?? '',
    modelPath: v.model,
    canvas: v.canvas === undefined ? undefined : parseCanvas(v.canvas),
    detector: v.detector ?? 'front',
    keypointSource,
    jobs: positiveInt('jobs', v.jobs ?? '1'),
    overwrite: v.overwrite === true,
    help,
    part: v.part === undefined ? undefined : positiveInt('part', v.part, 0),
  };
}

function parseCanvas(text: string): { width: number; height: number } {
  const m = /^(\d+)(?:x(\d+))?$/.exec(text);
  if (!m) throw new UsageError(`--canvas must be <px> or <width>x<height>, got '${text}'`);
  const width = Number(m[1]);
  return { width, height: m[2] === undefined ? width : Number(m[2]) };
}

function positiveInt(name: string, text: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer >= ${min}, got '${text}'`);
  return n;
}
