/**
 * The first line of a JSONL results file: what produced the records that follow.
 *
 * A results file must stand on its own months later: which model (and whether it was the
 * untrained demo model), which media, which operator settings. `schemaVersion` changes only
 * when a field changes meaning or is removed, so readers can refuse files they do not know.
 */
import type { SourceInfo } from '../types/frame.js';
import type { ModelCard } from '../types/model.js';

/** Version of the JSONL layout described in docs/output-formats.md. */
export const JSONL_SCHEMA_VERSION = 1;

/** The header line as written (parse the first line of a file into this). */
export interface JsonLinesHeader {
  readonly type: 'header';
  readonly schemaVersion: typeof JSONL_SCHEMA_VERSION;
  /** When the file was started, ISO 8601 UTC (e.g. `2025-01-31T12:00:00.000Z`). */
  readonly createdAt: string;
  /** The model card of the AUFormer model that produced the AU values. */
  readonly model: ModelCard;
  /** Every source whose records are in the file. */
  readonly sources: readonly SourceInfo[];
  /** Free-form settings worth keeping with the results (smoothing, sampling, thresholds). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** What the caller supplies; `toJsonLines` adds `type`, `schemaVersion` and, by default, `createdAt`. */
export interface JsonLinesHeaderInput {
  readonly model: ModelCard;
  readonly sources: readonly SourceInfo[];
  readonly options?: Readonly<Record<string, unknown>>;
  /** Overrides the creation time (ISO 8601), e.g. for reproducible files. Defaults to now. */
  readonly createdAt?: string;
}

/** Builds the header object; `now` is the wall clock in ms since the Unix epoch. */
export function jsonLinesHeader(input: JsonLinesHeaderInput, now: number): JsonLinesHeader {
  return {
    type: 'header',
    schemaVersion: JSONL_SCHEMA_VERSION,
    createdAt: input.createdAt ?? new Date(now).toISOString(),
    model: input.model,
    sources: input.sources,
    ...(input.options === undefined ? {} : { options: input.options }),
  };
}
