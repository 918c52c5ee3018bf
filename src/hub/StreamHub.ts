/**
 * Many live streams, one model: runs one pipeline per source (detect -> track -> align ->
 * AUFormer -> optional smoothing and events) and shares one `AUModel`, so face crops from
 * every camera are batched together, the way Triton and DeepStream batch across cameras.
 *
 * Sources are added and removed while the hub runs. Their records are merged into `records`,
 * their states into `status`, and `metrics()` tells how each keeps up (fps in and out, frames
 * dropped, batch fill, latency from capture to result). A source that fails or ends does not
 * affect the others.
 *
 * ```
 * cam-1   --f--f--f--f--f--       \
 * cam-2   ---f---f---f---f---      >  one model: batches [cam-1, cam-2], [cam-1], ...
 * records --r1-r2-r1-r1-r2-r1-... /   (FrameResult per frame; AUEvent with `events`)
 * ```
 *
 * @example
 * import { AUModel, StreamHub, fromFile, fromRtsp, playAsLive } from 'auformer-stream';
 * const model = await AUModel.create('models/auformer-tiny.onnx');
 * const hub = await StreamHub.create({ model, smooth: { method: 'ema' } });
 * hub.records.subscribe((r) => console.log(r.sourceId, r.type)); // cam-1 frame, cam-2 frame, ...
 * hub.add('cam-1', playAsLive(fromFile('a.mp4', { sourceId: 'cam-1' }), { loop: true }));
 * hub.add('cam-2', fromRtsp('rtsp://10.0.0.7/stream', { sourceId: 'cam-2' }));
 * console.log(hub.metrics()); // [{ sourceId: 'cam-1', state: 'live', fpsIn: 30, latencyMs: { p50: 41, ... } }, ...]
 * await hub.close(); await model.dispose(); // the model stays yours
 * @see docs/live.md
 */
import { type Observable, Subject, type Subscription, takeUntil, tap } from 'rxjs';
import { FaceDetector } from '../detector/FaceDetector.js';
import { FaceMesh } from '../landmarks/FaceMesh.js';
import type { FaceDetectorOptions } from '../detector/faceDetectorOptions.js';
import { OptionError } from '../errors.js';
import type { Frame } from '../types/frame.js';
import type { AnalysisRecord } from '../types/result.js';
import type { SourceState, SourceStatus } from '../types/sourceStatus.js';
import { livePipeline } from './livePipeline.js';
import { PreviewEncoder, type PreviewImage } from './PreviewEncoder.js';
import { type SourceMetrics, SourceMetricsRecorder } from './sourceMetrics.js';
import {
  type HubPipelineOptions,
  resolveStreamHubOptions,
  type StreamHubOptions,
} from './streamHubOptions.js';

export type { StreamHubOptions } from './streamHubOptions.js';

/** A frame stream, or a live source's frames plus its status reports (`fromRtsp`, `playAsLive`). */
export type HubSource =
  Observable<Frame> | { readonly frames: Observable<Frame>; readonly status?: Observable<SourceStatus> };

/** One source's metrics plus its current state. */
export interface HubSourceMetrics extends SourceMetrics {
  readonly state: SourceState;
}

interface Entry {
  readonly metrics: SourceMetricsRecorder;
  /** Completes the source: ffmpeg is killed, frames in flight still finish. */
  readonly stop: Subject<void>;
  /** Settles when the pipeline has completed or errored. */
  readonly done: Promise<void>;
  statusSubscription?: Subscription;
  pipeline?: Subscription;
  state: SourceState;
}

/** Longest wait in `close()` for frames in flight to finish before they are abandoned, in ms. */
const DRAIN_TIMEOUT_MS = 5000;

export class StreamHub {
  private readonly entries = new Map<string, Entry>();
  private readonly records$ = new Subject<AnalysisRecord>();
  private readonly status$ = new Subject<SourceStatus>();
  /** Removed sources whose frames in flight are still finishing. */
  private readonly draining = new Set<Entry>();
  private closed = false;

  /** Merged records of every source (hot: subscribe before adding sources to miss none). */
  readonly records: Observable<AnalysisRecord> = this.records$.asObservable();
  /** Every source's state changes and counts (hot), `sourceId` = the hub's name for it. */
  readonly status: Observable<SourceStatus> = this.status$.asObservable();
  /** Preview images of every source (hot) when created with `preview`; never emits otherwise. */
  readonly previews: Observable<PreviewImage>;

  private constructor(
    private readonly options: HubPipelineOptions,
    private readonly detector: FaceDetector,
    private readonly ownsDetector: boolean,
    private readonly preview: PreviewEncoder | undefined,
    private readonly ownedMesh: FaceMesh | undefined,
  ) {
    this.previews = preview?.images ?? new Subject<PreviewImage>().asObservable();
  }

  /** Checks the options and loads the face detector unless one is given. */
  static async create(options: StreamHubOptions): Promise<StreamHub> {
    const { pipeline, preview } = resolveStreamHubOptions(options);
    const encoder = preview === false ? undefined : new PreviewEncoder(preview);
    const shared = options.detector instanceof FaceDetector ? options.detector : undefined;
    const detector =
      shared ?? (await FaceDetector.create(options.detector as FaceDetectorOptions | undefined));
    // One mesh for every source: faces of frames from different cameras share its batches.
    const { landmarks } = pipeline;
    const ownedMesh =
      landmarks === false || landmarks.mesh
        ? undefined
        : await FaceMesh.create(landmarks).catch(async (error: unknown) => {
            if (!shared) await detector.dispose();
            throw error;
          });
    const withMesh =
      landmarks === false
        ? pipeline
        : { ...pipeline, landmarks: { ...landmarks, mesh: landmarks.mesh ?? (ownedMesh as FaceMesh) } };
    return new StreamHub(withMesh, detector, shared === undefined, encoder, ownedMesh);
  }

  /** The ids of the sources added and not removed (ended and failed ones included). */
  get sourceIds(): string[] {
    return [...this.entries.keys()];
  }

  /** Starts a pipeline for `source` under `sourceId` (unique within the hub). */
  add(sourceId: string, source: HubSource): void {
    if (this.closed)
      throw new OptionError(`StreamHub.add('${sourceId}'): the hub is closed; create a new one.`);
    if (typeof sourceId !== 'string' || sourceId.length === 0) {
      throw new OptionError('StreamHub.add: "sourceId" must be a non-empty string such as "cam-1".');
    }
    if (this.entries.has(sourceId)) {
      throw new OptionError(
        `StreamHub.add: a source '${sourceId}' already exists; remove() it first or pick another id.`,
      );
    }
    const { frames, status } = 'frames' in source ? source : { frames: source, status: undefined };
    let settle: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const entry: Entry = {
      metrics: new SourceMetricsRecorder(sourceId),
      stop: new Subject<void>(),
      done,
      state: 'connecting',
    };
    this.entries.set(sourceId, entry);
    this.report(sourceId, entry, 'connecting');
    entry.statusSubscription = status?.subscribe((s) => {
      entry.state = s.state;
      this.status$.next({ ...s, sourceId });
    });
    const counted = frames.pipe(
      takeUntil(entry.stop),
      tap((frame) => {
        if (!status && entry.state !== 'live') this.report(sourceId, entry, 'live');
        this.preview?.offer(sourceId, frame); // synchronous: retains the frame it encodes
      }),
    );
    const { model, track, infer, smooth, events, landmarks, maxInFlight } = this.options;
    const config = {
      sourceId,
      model,
      detector: this.detector,
      track,
      infer,
      smooth,
      events,
      landmarks,
      maxInFlight,
    };
    entry.pipeline = livePipeline(counted, { ...config, metrics: entry.metrics }).subscribe({
      next: (record) => this.records$.next(record),
      error: (error: unknown) => {
        const { code = 'AUF_ERR_STREAM_FAILED', message = String(error) } = error as {
          code?: string;
          message?: string;
        };
        this.report(sourceId, entry, 'failed', { code, message });
        settle();
      },
      complete: () => {
        if (entry.state !== 'ended' && entry.state !== 'failed') this.report(sourceId, entry, 'ended');
        settle();
      },
    });
  }

  /**
   * Stops a source and forgets it (false when there was none). Its frames stop at once (ffmpeg
   * is killed); the at most `maxInFlight` frames already in the pipeline still give their
   * results, and open AU episodes are closed, so `records` may carry a few more of its records.
   */
  remove(sourceId: string): boolean {
    const entry = this.entries.get(sourceId);
    if (!entry) return false;
    this.entries.delete(sourceId);
    entry.statusSubscription?.unsubscribe();
    this.preview?.forget(sourceId);
    if (entry.state !== 'ended' && entry.state !== 'failed') this.report(sourceId, entry, 'ended');
    this.draining.add(entry);
    void entry.done.then(() => {
      this.draining.delete(entry);
      entry.pipeline?.unsubscribe();
    });
    entry.stop.next();
    return true;
  }

  /** Metrics of every source, in the order they were added. */
  metrics(): HubSourceMetrics[] {
    const now = Date.now();
    return [...this.entries.values()].map((e) => ({
      ...e.metrics.snapshot(now, this.options.model),
      state: e.state,
    }));
  }

  /**
   * Removes every source, waits (up to 5 s) for their frames in flight, completes `records`,
   * `status` and `previews` (running preview encodes are stopped), and disposes the hub's own detector and face mesh. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.entries.keys()]) this.remove(id);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_TIMEOUT_MS)));
    await Promise.race([Promise.all([...this.draining].map((e) => e.done)), timeout]);
    clearTimeout(timer);
    for (const entry of this.draining) entry.pipeline?.unsubscribe(); // still busy: abandoned
    this.draining.clear();
    this.preview?.close();
    this.records$.complete();
    this.status$.complete();
    if (this.ownsDetector) await this.detector.dispose();
    await this.ownedMesh?.dispose();
  }

  private report(
    sourceId: string,
    entry: Entry,
    state: SourceState,
    error?: { code: string; message: string },
  ): void {
    entry.state = state;
    const m = entry.metrics.snapshot(Date.now(), this.options.model);
    this.status$.next({
      sourceId,
      state,
      reconnects: 0,
      droppedFrames: m.dropped,
      framesIn: m.framesIn,
      ...(error ? { error } : {}),
    });
  }
}
