/**
 * Cameras held by lease: each camera is one long-running BullMQ job whose lock is the lease.
 * Its data is small JSON and never holds a secret: RTSP credentials are referenced by the name
 * of an environment variable or a secret file on the worker hosts.
 */
import type { ArchivePipelineOptions } from './archiveTypes.js';

export interface CameraSpec {
  /** Stable id: the job id is `cam-<id>`, the results stream `<prefix>:results:<id>`. */
  readonly id: string;
  /** `rtsp://host/path` (no credentials in it) or a video file path (played as live). */
  readonly url: string;
  /** Files: start again at the end. Defaults to false. */
  readonly loop?: boolean;
  /** `user:password` for the RTSP URL, read on the worker from this env var or secret file. */
  readonly credentials?: { readonly env: string } | { readonly file: string };
  /** Pipeline options (detector, track, infer, source.fps, source.maxWidth). */
  readonly options?: ArchivePipelineOptions;
  /** Results kept in its stream. Defaults to 36000 (one hour at 10 fps). */
  readonly maxLen?: number;
  /** Keep face meshes in its stream entries (`toRedisStream`'s `landmarks`). Defaults to true. */
  readonly streamMesh?: boolean;
}

/** Who holds a camera now (`<name>:camera-lease:<id>`), written by the holder at takeover. */
export interface CameraLease {
  readonly host: string;
  readonly epoch: number;
  readonly sinceMs: number;
}

export interface CameraStatus {
  readonly id: string;
  readonly url: string;
  /** BullMQ state of its job: `active` while a host holds it, `waiting` while no host has room. */
  readonly state: string;
  readonly lease?: CameraLease;
  /** The pipeline options it was added with. */
  readonly options: ArchivePipelineOptions;
  /** Whether its stream entries keep face meshes. */
  readonly streamMesh: boolean;
}

export function cameraJobId(id: string): string {
  return `cam-${id}`;
}

export function camerasQueueName(name: string): string {
  return `${name}-cameras`;
}

export const cameraKeys = {
  epoch: (name: string, id: string): string => `${name}:camera-epoch:${id}`,
  lease: (name: string, id: string): string => `${name}:camera-lease:${id}`,
  stop: (name: string, id: string): string => `${name}:camera-stop:${id}`,
};
