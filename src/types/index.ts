export type { Frame, SourceInfo } from './frame.js';
export type { SourceState, SourceStatus } from './sourceStatus.js';
export type { Box, Face, KeypointName, Point, Similarity } from './face.js';
export { KEYPOINT_NAMES } from './face.js';
export type { KeypointSource, ModelCard } from './model.js';
export type { AnalysisRecord, AUEvent, AUValues, FaceResult, FrameResult, FrameStatus } from './result.js';
export type { AlignedFace, AlignedFrame, FrameFaces } from './pipeline.js';
export type { BlinkEvent, FaceGeometry, FaceLandmarks, FaceRoi, HeadPose, Point3 } from './landmarks.js';
