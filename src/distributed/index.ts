/**
 * `auformer-stream/distributed`: archive jobs on BullMQ across machines. The only entry point
 * that needs the optional `bullmq` and `ioredis` packages; the core API never loads it.
 * @see docs/distributed.md
 */
export { ArchiveQueue } from './ArchiveQueue.js';
export type { ArchiveQueueOptions, SubmitOptions, SubmittedJob } from './ArchiveQueue.js';
export { startWorker } from './startWorker.js';
export type { ArchiveWorker, ArchiveWorkerOptions } from './startWorker.js';
export type { ArchiveJobStatus } from './jobStatus.js';
export type {
  ArchiveFormat,
  ArchivePipelineOptions,
  MergeJobData,
  PartCheckpoint,
  PartJobData,
  PartLine,
  PartResult,
  SuccessManifest,
} from './archiveTypes.js';
export { checkRedisSettings } from './checkRedisSettings.js';
export { DistributedError } from '../errors.js';

// Results plane: Redis Streams
export { connectRedis } from './connectRedis.js';
export type { ConnectOptions } from './connectRedis.js';
export { toRedisStream } from './toRedisStream.js';
export type { RedisStreamSinkOptions, RedisStreamSinkStats } from './toRedisStream.js';
export { fromRedisStream } from './fromRedisStream.js';
export type { RedisStreamSourceOptions, RedisStreamSourceStats } from './fromRedisStream.js';
export { serveGateway } from './serveGateway.js';
export type { Gateway, GatewayOptions } from './serveGateway.js';

// Camera leases
export { CameraRegistry } from './CameraRegistry.js';
export { startCameraWorker } from './startCameraWorker.js';
export type { CameraWorker, CameraWorkerOptions } from './startCameraWorker.js';
export type { CameraLease, CameraSpec, CameraStatus } from './cameraTypes.js';

// Operations: Prometheus metrics and health
export { formatMetrics, serveOps } from './serveOps.js';
export type { MetricFamily, OpsServer, OpsSource } from './serveOps.js';
