/**
 * The small JSON that archive jobs carry through Redis (never pixels), and the shapes of what
 * they leave on disk. Documented with examples in docs/distributed.md.
 */
import type {
  AnalyzeOptions,
  AUEvent,
  BlinkEvent,
  CropDatatype,
  FaceDetectorOptions,
  FileSourceOptions,
  FrameResult,
  MeshPointCount,
  ModelCard,
} from '../index.js';

/** Pipeline options an archive job can carry: `analyze`'s, as plain serialisable data. */
export interface ArchivePipelineOptions extends Omit<AnalyzeOptions, 'model' | 'detector' | 'source'> {
  readonly detector?: FaceDetectorOptions;
  readonly source?: Pick<FileSourceOptions, 'fps' | 'maxWidth'>;
}

/**
 * The model a job runs on: an ONNX file every worker opens, or inference servers every worker
 * calls (`auformer infer-server` or Triton). For servers, the card and crop datatype they
 * reported at submit travel with the job: the merge writes that card without any model, and a
 * worker whose servers now serve another model fails the part (`AUF_ERR_MODEL_CARD`).
 */
export type JobModel =
  | { readonly path: string }
  | { readonly urls: readonly string[]; readonly card: ModelCard; readonly datatype: CropDatatype };

/** Final files a merge writes: `<stem>.csv`, `<stem>.jsonl`, `<stem>.events.csv`. */
export type ArchiveFormat = 'csv' | 'jsonl' | 'events';

/** What every job of one input shares. */
export interface ArchiveJobBase {
  /** Deterministic key of input fingerprint, ranges, options and model (see fingerprint.ts). */
  readonly jobKey: string;
  /** Absolute path of the input, as every worker sees it (shared storage). */
  readonly input: string;
  /** The input's own output folder, `<out>/<stem>`. */
  readonly outDir: string;
  readonly stem: string;
  readonly model: JobModel;
  readonly options: ArchivePipelineOptions;
  readonly preRollMs: number;
}

/** One file, or one time range of a long file. */
export interface PartJobData extends ArchiveJobBase {
  readonly kind: 'part';
  readonly part: number;
  readonly parts: number;
  /** First media time written, in ms. */
  readonly startMs: number;
  /** Media time the part stops before, in ms; undefined for the last part (to the end). */
  readonly endMs?: number;
}

/** The flow's parent: joins the parts when all of them completed. */
export interface MergeJobData extends ArchiveJobBase {
  readonly kind: 'merge';
  readonly parts: number;
  readonly formats: readonly ArchiveFormat[];
  /** Mesh points per face in the JSONL output (68 or 468). */
  readonly meshPoints: MeshPointCount;
  /** Submission time (ISO 8601): the JSONL header's `createdAt`, so reruns are byte-identical. */
  readonly submittedAt: string;
  /** Media duration probed at submit, in ms (progress and ETA); undefined when unknown. */
  readonly durationMs?: number;
  readonly fingerprint: string;
}

/** A part's progress in Redis: where a retry resumes. */
export interface PartCheckpoint {
  /** Media time of the last frame durably written, in ms. */
  readonly doneMs: number;
  /** Frame rows durably written. */
  readonly rows: number;
  /** Bytes of `tmp` that hold them (a retry copies exactly these). */
  readonly bytes: number;
  readonly tmp: string;
}

/** A completed part, returned by its job (the merge reads these through the flow). */
export interface PartResult {
  readonly file: string;
  readonly part: number;
  readonly frames: number;
  readonly sha256: string;
}

/**
 * One line of a part file. `s` starts a segment (the part's start, or a resume after a
 * crash); `p` is a pre-roll frame (decoded to warm the tracker and smoother, dropped from the
 * output but used to join track ids); `f` a frame of the output; `e` an AU event; `b` a blink
 * (written just before the output frame that reopened the eyes, as `detectBlinks` emits it).
 */
export type PartLine =
  | { readonly t: 's'; readonly startMs: number }
  | { readonly t: 'p' | 'f'; readonly r: FrameResult }
  | { readonly t: 'e'; readonly r: AUEvent }
  | { readonly t: 'b'; readonly r: BlinkEvent };

/** `_SUCCESS.json`, written last: the outputs are complete when it exists. */
export interface SuccessManifest {
  readonly jobKey: string;
  readonly input: string;
  readonly fingerprint: string;
  readonly parts: number;
  readonly frames: number;
  readonly faceRows: number;
  readonly events: number;
  readonly files: Readonly<Record<string, { readonly bytes: number; readonly sha256: string }>>;
  readonly model: unknown;
  readonly options: ArchivePipelineOptions;
  readonly preRollMs: number;
  readonly completedAt: string;
}
