/**
 * A minimal Matroska writer for raw rgb24 frames with their own timestamps, to feed ffmpeg's
 * stdin.
 *
 * Raw video on a pipe (`-f rawvideo`) has no timestamps: ffmpeg would number frames at a
 * constant rate, which loses the timing of variable-frame-rate media. A Matroska stream does
 * carry them, and its layout is simple enough to write by hand: a header (EBML + Segment of
 * unknown size + Info + Tracks), then one Cluster per frame holding one SimpleBlock. The track
 * is `V_UNCOMPRESSED` with colour space fourcc `RGB\x18` (ffmpeg maps it to rgb24).
 *
 * ```
 * [EBML][Segment(size unknown) [Info][Tracks] [Cluster t0 [SimpleBlock f0]] [Cluster t1 ...] ...
 * ```
 * Timestamps are in microseconds (`TimestampScale` 1000 ns). The track's `DefaultDuration`
 * is what ffmpeg (>= 5) gives the last frame; per-block durations would be ignored.
 *
 * @see https://www.matroska.org/technical/elements.html
 */

/** Element ids (already with their length marker bits). */
const ID = {
  ebml: 0x1a45dfa3,
  ebmlVersion: 0x4286,
  ebmlReadVersion: 0x42f7,
  ebmlMaxIdLength: 0x42f2,
  ebmlMaxSizeLength: 0x42f3,
  docType: 0x4282,
  docTypeVersion: 0x4287,
  docTypeReadVersion: 0x4285,
  segment: 0x18538067,
  info: 0x1549a966,
  timestampScale: 0x2ad7b1,
  muxingApp: 0x4d80,
  writingApp: 0x5741,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackNumber: 0xd7,
  trackUid: 0x73c5,
  trackType: 0x83,
  flagLacing: 0x9c,
  defaultDuration: 0x23e383,
  codecId: 0x86,
  video: 0xe0,
  pixelWidth: 0xb0,
  pixelHeight: 0xba,
  colourSpace: 0x2eb524,
  cluster: 0x1f43b675,
  timestamp: 0xe7,
  simpleBlock: 0xa3,
} as const;

/** Microseconds per timestamp tick, expressed in nanoseconds as Matroska wants it. */
const TIMESTAMP_SCALE_NS = 1000;
const APP = 'auformer-stream';

/** The stream header (everything before the first frame); `frameDurationUs` becomes DefaultDuration. */
export function matroskaHeader(width: number, height: number, frameDurationUs: number): Buffer {
  const ebml = element(
    ID.ebml,
    Buffer.concat([
      uint(ID.ebmlVersion, 1),
      uint(ID.ebmlReadVersion, 1),
      uint(ID.ebmlMaxIdLength, 4),
      uint(ID.ebmlMaxSizeLength, 8),
      text(ID.docType, 'matroska'),
      uint(ID.docTypeVersion, 4),
      uint(ID.docTypeReadVersion, 2),
    ]),
  );
  const info = element(
    ID.info,
    Buffer.concat([
      uint(ID.timestampScale, TIMESTAMP_SCALE_NS),
      text(ID.muxingApp, APP),
      text(ID.writingApp, APP),
    ]),
  );
  const video = element(
    ID.video,
    Buffer.concat([
      uint(ID.pixelWidth, width),
      uint(ID.pixelHeight, height),
      element(ID.colourSpace, Buffer.from([0x52, 0x47, 0x42, 24])), // 'RGB' 24: rgb24
    ]),
  );
  const track = element(
    ID.trackEntry,
    Buffer.concat([
      uint(ID.trackNumber, 1),
      uint(ID.trackUid, 1),
      uint(ID.trackType, 1), // video
      uint(ID.flagLacing, 0),
      uint(ID.defaultDuration, Math.max(1, Math.round(frameDurationUs * 1000))), // ns
      text(ID.codecId, 'V_UNCOMPRESSED'),
      video,
    ]),
  );
  // A Segment of unknown size (all ones) lets the stream be written without seeking back.
  const segmentStart = Buffer.concat([
    idBytes(ID.segment),
    Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
  ]);
  return Buffer.concat([ebml, segmentStart, info, element(ID.tracks, track)]);
}

/**
 * The bytes that precede one frame's `pixels` (`width * height * 3` bytes): a Cluster at
 * `ptsUs` holding one SimpleBlock. Write them, then the pixels, unchanged.
 */
export function matroskaFramePrefix(ptsUs: number, pixelBytes: number): Buffer {
  // SimpleBlock: track number 1 (vint 0x81), time relative to the cluster (int16 0), keyframe.
  const blockHead = Buffer.from([0x81, 0x00, 0x00, 0x80]);
  const blockSize = blockHead.length + pixelBytes;
  const clusterTime = uint(ID.timestamp, Math.max(0, Math.round(ptsUs)));
  const clusterSize = clusterTime.length + idBytes(ID.simpleBlock).length + 8 + blockSize;
  return Buffer.concat([
    idBytes(ID.cluster),
    size8(clusterSize),
    clusterTime,
    idBytes(ID.simpleBlock),
    size8(blockSize),
    blockHead,
  ]);
}

function element(id: number, payload: Buffer): Buffer {
  return Buffer.concat([idBytes(id), size8(payload.length), payload]);
}

function uint(id: number, value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return element(id, bytes);
}

function text(id: number, value: string): Buffer {
  return element(id, Buffer.from(value, 'ascii'));
}

/** Ids are written as they are numbered (their length marker is part of the number). */
function idBytes(id: number): Buffer {
  const length = id > 0xffffff ? 4 : id > 0xffff ? 3 : id > 0xff ? 2 : 1;
  const bytes = Buffer.alloc(length);
  bytes.writeUIntBE(id, 0, length);
  return bytes;
}

/** An element size as an 8-byte vint (marker 0x01): simple and always long enough. */
function size8(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  bytes[0] = 0x01;
  return bytes;
}
