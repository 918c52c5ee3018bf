/**
 * Counters of an inference server, as Prometheus text (`GET /metrics`): requests by status,
 * crops, queue depth, batch fill (from the model's own batch statistics) and request latency.
 */
import type { AUModelStats } from '../index.js';

/** Latency histogram bounds, in seconds. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ServerMetrics {
  private readonly byStatus = new Map<number, number>();
  private readonly latency = new Array<number>(BUCKETS.length).fill(0);
  private latencySum = 0;
  private latencyCount = 0;
  /** Crops accepted and not yet answered, and the most there ever were. */
  private queued = 0;
  peakQueuedCrops = 0;
  /** Requests refused with 429 because the queue was full. */
  shed = 0;

  get queuedCrops(): number {
    return this.queued;
  }

  set queuedCrops(n: number) {
    this.queued = n;
    this.peakQueuedCrops = Math.max(this.peakQueuedCrops, n);
  }

  request(status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }

  inferred(seconds: number): void {
    this.latencySum += seconds;
    this.latencyCount += 1;
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.latency[i] = (this.latency[i] as number) + 1;
    });
  }

  /** Prometheus text exposition format 0.0.4. */
  text(model: { readonly maxBatch: number; readonly stats: AUModelStats }, maxQueueCrops: number): string {
    const { batches, crops } = model.stats;
    const lines = [
      '# HELP auformer_infer_requests_total Infer and metadata requests answered, by HTTP status.',
      '# TYPE auformer_infer_requests_total counter',
      ...[...this.byStatus].map(([code, n]) => `auformer_infer_requests_total{code="${code}"} ${n}`),
      '# HELP auformer_infer_shed_total Infer requests refused with 429 because the queue was full.',
      '# TYPE auformer_infer_shed_total counter',
      `auformer_infer_shed_total ${this.shed}`,
      '# HELP auformer_infer_queue_crops Crops accepted and not yet answered.',
      '# TYPE auformer_infer_queue_crops gauge',
      `auformer_infer_queue_crops ${this.queuedCrops}`,
      `auformer_infer_queue_peak_crops ${this.peakQueuedCrops}`,
      `auformer_infer_queue_capacity_crops ${maxQueueCrops}`,
      '# HELP auformer_infer_batches_total Model batches run.',
      '# TYPE auformer_infer_batches_total counter',
      `auformer_infer_batches_total ${batches}`,
      `auformer_infer_crops_total ${crops}`,
      '# HELP auformer_infer_batch_fill Mean crops per batch over maxBatch (1 = every batch full).',
      '# TYPE auformer_infer_batch_fill gauge',
      `auformer_infer_batch_fill ${batches === 0 ? 0 : crops / batches / model.maxBatch}`,
      '# HELP auformer_infer_request_seconds Time from an infer request read to its answer.',
      '# TYPE auformer_infer_request_seconds histogram',
      ...BUCKETS.map((le, i) => `auformer_infer_request_seconds_bucket{le="${le}"} ${this.latency[i]}`),
      `auformer_infer_request_seconds_bucket{le="+Inf"} ${this.latencyCount}`,
      `auformer_infer_request_seconds_sum ${this.latencySum}`,
      `auformer_infer_request_seconds_count ${this.latencyCount}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
