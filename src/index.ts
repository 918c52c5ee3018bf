/** auformer-stream's public API, exported by name. Everything not listed here is internal. */

// Shared vocabulary
export type {
  AlignedFace,
  AlignedFrame,
  AnalysisRecord,
  AUEvent,
  AUValues,
  BlinkEvent,
  Box,
  Face,
  FaceGeometry,
  FaceLandmarks,
  FaceResult,
  FaceRoi,
  Frame,
  FrameFaces,
  FrameResult,
  FrameStatus,
  HeadPose,
  KeypointName,
  KeypointSource,
  ModelCard,
  Point,
  Point3,
  Similarity,
  SourceInfo,
  SourceState,
  SourceStatus,
} from './types/index.js';
export type { AUSummary, TrackSummary } from './types/summary.js';
export { KEYPOINT_NAMES } from './types/index.js';
export { AufError, MediaError, ModelError, OptionError, SinkError, StreamError } from './errors.js';
export type { ErrorCode } from './errors.js';

// One-call pipeline
export { analyze } from './analyze.js';
export type { AnalyzeOptions } from './analyze.js';
// Its two halves, for pipelines on other sources (frames -> results -> smoothed results, events)
export { frameStages, temporalStages } from './operators/stages.js';
export type { FrameStagesOptions, TemporalStagesOptions } from './operators/stages.js';

// Many live streams, one model
export { StreamHub } from './hub/StreamHub.js';
export type { HubSource, HubSourceMetrics, StreamHubOptions } from './hub/StreamHub.js';
export type { SourceMetrics } from './hub/sourceMetrics.js';
export { playAsLive } from './hub/playAsLive.js';
export { PreviewEncoder } from './hub/PreviewEncoder.js';
export type { PreviewImage, PreviewOptions } from './hub/PreviewEncoder.js';
export type { LiveFrames, PlayAsLiveOptions } from './hub/playAsLive.js';

// Sources
export { fromFile } from './sources/fromFile.js';
export type { FileSourceOptions } from './sources/fromFile.js';
export { openFile } from './sources/openFile.js';
export type { OpenedFile } from './sources/openFile.js';
export { fromRtsp } from './sources/fromRtsp.js';
export type { RtspSourceOptions } from './sources/fromRtsp.js';
export { fromWebcam } from './sources/fromWebcam.js';
export type { WebcamSourceOptions } from './sources/fromWebcam.js';
export type { LiveSource } from './sources/live/liveSource.js';
export type { LiveSourceOptions } from './sources/live/liveOptions.js';
export { fromImages } from './sources/fromImages.js';
export type { ImageSourceOptions } from './sources/fromImages.js';
export { openInput } from './sources/openInput.js';
export type { InputOptions } from './sources/openInput.js';
export { probeMedia } from './ffmpeg/probeMedia.js';
export type { MediaInfo, ProbeOptions } from './ffmpeg/probeMedia.js';
export { resolveFfmpeg } from './ffmpeg/resolveFfmpeg.js';
export type { FfmpegBinary } from './ffmpeg/resolveFfmpeg.js';

// Detection and alignment
export { FaceDetector } from './detector/FaceDetector.js';
export type { FaceDetectorOptions, TileOptions } from './detector/faceDetectorOptions.js';
export { alignmentTransform, warpToTensor } from './detector/alignFace.js';
export { applySimilarity, estimateSimilarity, invertSimilarity } from './detector/similarity.js';
export { boxIou } from './detector/boxIou.js';

// Face mesh, head pose and landmark geometry
export { FaceMesh, MESH_POINTS } from './landmarks/FaceMesh.js';
export type { FaceMeshOptions } from './landmarks/FaceMesh.js';
export { roiFromDetection, roiFromMesh } from './landmarks/faceRoi.js';
export { headPose } from './landmarks/headPose.js';
export { faceGeometry } from './landmarks/faceGeometry.js';
export { meshAlignmentPoints } from './landmarks/meshKeypoints.js';
export { IBUG68_FROM_MESH, toIbug68 } from './landmarks/ibug68.js';
export { DRAWN_CONTOURS } from './landmarks/meshContours.js';

// Model
export { AUModel } from './model/AUModel.js';
export type { AUModelOptions, AUModelStats, CropWriter } from './model/AUModel.js';
export type { ModelVariant } from './model/modelVariant.js';
export type { ExecutionProvider } from './model/onnx.js';
export { readModelCard } from './model/modelCard.js';
export { DEFAULT_MODEL_PATH } from './model/defaultModel.js';
export { SAMPLE_VIDEO } from './sources/sampleVideo.js';
export type { AUInferenceModel } from './model/auInferenceModel.js';

// Remote inference (KServe v2 / Triton) and the inference server
export { RemoteAUModel } from './remote/RemoteAUModel.js';
export type { RemoteAUModelOptions } from './remote/RemoteAUModel.js';
export type { CropDatatype } from './remote/remoteModelInfo.js';
export type { RemoteModelUrl } from './remote/remoteUrl.js';
export { openAUModel } from './remote/openAUModel.js';
export type { OpenAUModelOptions } from './remote/openAUModel.js';
export { cropsToUint8, uint8CropWriter } from './model/uint8Crops.js';
export { INFERENCE_HEADER, decodeKServeBody, encodeKServeBody } from './remote/kserveBody.js';
export type { KServeBody } from './remote/kserveBody.js';
export { startInferServer } from './server/inferServer.js';
export type { InferServer, InferServerOptions } from './server/inferServer.js';

// Operators
export { detectFaces } from './operators/detectFaces.js';
export { trackFaces } from './operators/trackFaces.js';
export type { TrackFacesOptions } from './operators/trackFaces.js';
export { alignFaces } from './operators/alignFaces.js';
export type { HasCard } from './operators/alignFaces.js';
export { inferAUs } from './operators/inferAUs.js';
export type { InferAUsOptions } from './operators/inferAUs.js';
export { smoothAUs, describeSmoothing } from './operators/smoothAUs.js';
export type { AUThreshold, SmoothAUsOptions, SmoothingMethod } from './operators/smoothAUs.js';
export { landmarkFaces } from './operators/landmarkFaces.js';
export type { LandmarkFacesOptions } from './operators/landmarkFaces.js';
export { detectWithMesh } from './operators/detectWithMesh.js';
export type { DetectWithMeshOptions } from './operators/detectWithMesh.js';
export { detectBlinks } from './operators/detectBlinks.js';
export type { DetectBlinksOptions } from './operators/detectBlinks.js';
export { detectEvents } from './operators/detectEvents.js';
export type { DetectEventsOptions } from './operators/detectEvents.js';
export { baseline } from './operators/baseline.js';
export type { BaselineOptions } from './operators/baseline.js';
export { retainFrame, emitLeased } from './operators/frameLease.js';

// Sinks
export { toCsv } from './sinks/toCsv.js';
export type { CsvOptions } from './sinks/toCsv.js';
export type { CsvStyle } from './sinks/csvColumns.js';
export { toJsonLines } from './sinks/toJsonLines.js';
export type { JsonLinesOptions } from './sinks/toJsonLines.js';
export type { LandmarksRecord, MeshPointCount } from './sinks/landmarkRecord.js';
export type { JsonLinesHeader, JsonLinesHeaderInput } from './sinks/jsonLinesHeader.js';
export { toEventsCsv } from './sinks/toEventsCsv.js';
export type { EventsCsvOptions } from './sinks/toEventsCsv.js';
export { toTrackSummaryCsv } from './sinks/toTrackSummaryCsv.js';
export type { TrackSummaryCsvOptions } from './sinks/toTrackSummaryCsv.js';
export { createTrackSummary } from './report/trackSummary.js';
export type { TrackSummaryCollector, TrackSummaryOptions } from './report/trackSummary.js';
export { toAnnotatedVideo } from './sinks/toAnnotatedVideo.js';
export type { AnnotatedVideoOptions } from './sinks/toAnnotatedVideo.js';
export type { VideoCodec } from './ffmpeg/encodeArgs.js';

// Report pictures
export { createTimelineCollector } from './report/timelineData.js';
export type { TimelineCollector, TimelineData, TrackSeries } from './report/timelineData.js';
export { readTimelineJsonl } from './report/readTimelineJsonl.js';
export { renderTimeline, timelineHeight, TIMELINE_WIDTH } from './report/renderTimeline.js';
export { encodePng } from './render/encodePng.js';
export type { Rgb, RgbImage } from './render/rgbImage.js';
export { serveWebSocket } from './sinks/serveWebSocket.js';
export type { ServeWebSocketOptions, WebSocketServerHandle } from './sinks/serveWebSocket.js';
export { serveDashboard } from './dashboard/serveDashboard.js';
export type { DashboardServer, ServeDashboardOptions } from './dashboard/serveDashboard.js';
export { publishHubMetrics } from './dashboard/publishHubMetrics.js';
export type { PublishHubMetricsOptions, StatusMetrics } from './dashboard/publishHubMetrics.js';
export type { MetricsHub } from './dashboard/publishHubMetrics.js';
export type {
  ClientMetrics,
  WebSocketServerEvent,
  WebSocketServerMetrics,
} from './sinks/ws/webSocketServerHandle.js';
export { toWebSocket } from './sinks/toWebSocket.js';
export { CLOSE_CODES, SCHEMA_VERSION } from './sinks/ws/protocol.js';
export type {
  ClientMessage,
  HelloMessage,
  ServerMessage,
  SubscriptionState,
  WireEncoding,
  WireSourceStatus,
} from './sinks/ws/protocol.js';
export type { DropReason } from './sinks/ws/protocol.js';
